#!/usr/bin/env bash
# Real-browser end-to-end suite: starts target/debug/idp on a free loopback
# port with a throw-away data folder (robot check ON, low difficulty), then
# drives it with headless Chromium through playwright-core and node's test
# runner. Run from anywhere after `cargo build --bin idp`:
#
#   tests/e2e/run.sh                         # everything
#   tests/e2e/run.sh --test-name-pattern=phone   # extra arguments go to `node --test`
#
# Environment: IDP_BIN (default target/debug/idp), E2E_KEEP=1 keeps the data
# folder (database, outbox, server log) for a look afterwards.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${IDP_BIN:-$root/target/debug/idp}"

log() { printf 'e2e: %s\n' "$*" >&2; }

if [ ! -x "$bin" ]; then
  log "$bin is missing: run 'cargo build --bin idp' first"
  exit 1
fi

# Chromium from Debian (browser downloads by test tools do not work here).
if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium from the Debian archive"
  if [ "$(id -u)" -ne 0 ]; then
    log "need root to install chromium (or install the 'chromium' package yourself)"
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# shellcheck source=tests/lib/runner.sh
. "$root/tests/lib/runner.sh"

# playwright-core, exactly as locked.
npm_ci_locked e2e "$here"

data_dir="$(mktemp -d -t idp-e2e-data.XXXXXX)"
artifacts="$(mktemp -d -t idp-e2e-artifacts.XXXXXX)"
server_pid=""

cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$data_dir/server.log" ]; then
    log "server log (last 60 lines):"
    tail -n 60 "$data_dir/server.log" >&2 || true
  fi
  if [ "${E2E_KEEP:-}" = 1 ]; then
    log "kept data folder $data_dir"
  else
    rm -rf "$data_dir"
  fi
  log "screenshots in $artifacts"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# serve PORT (for idp_start): from the data folder, so no ./idp.toml of the
# caller's is picked up.
serve() {
  cd "$data_dir" &&
    exec env IDP_DATA_DIR="$data_dir" IDP_BIND="127.0.0.1:$1" IDP_ISSUER="http://127.0.0.1:$1" \
      IDP_BOT_CHECK_DIFFICULTY=12 "$bin" serve
}
log "starting idp (data in $data_dir)"
# At most 30 s for /healthz, giving up early if the server dies.
idp_start e2e "$data_dir/server.log" 30 serve || exit 1
base=$server_url
log "idp is up at $base"

cd "$here"
# One file at a time (2 cores). Bounded: each test by --test-timeout, the
# whole run by `timeout` (--foreground, so Ctrl-C still reaches node).
E2E_BASE_URL="$base" E2E_OUTBOX="$data_dir/outbox" E2E_ARTIFACTS="$artifacts" \
  timeout --foreground --kill-after=10 180 \
  node --test --test-concurrency=1 --test-timeout=60000 "$@" mail.test.mjs browser.test.mjs
