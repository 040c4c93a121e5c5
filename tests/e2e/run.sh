#!/usr/bin/env bash
# Real-browser end-to-end suite: starts target/debug/idp on a free loopback
# port with a throw-away data folder (robot check ON, low difficulty), and a
# second one as its upstream OpenID provider ("Continue with Upstream Corp"),
# then drives them with headless Chromium through playwright-core and node's
# test runner. Run from anywhere after `cargo build --bin idp`:
#
#   tests/e2e/run.sh                         # everything
#   tests/e2e/run.sh --test-name-pattern=phone   # extra arguments go to `node --test`
#
# Environment: IDP_BIN (default target/debug/idp), E2E_KEEP=1 keeps the data
# folders (database, outbox, server log, idp.toml; the upstream's) for a look
# afterwards, SCREENSHOTS_DIR=DIR saves a screenshot of every page there
# (a11y.test.mjs; docs/screenshots/ holds them).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${IDP_BIN:-$root/target/debug/idp}"

log() { printf 'e2e: %s\n' "$*" >&2; }

# SCREENSHOTS_DIR (a11y.test.mjs saves its screenshots there) may be given
# relative to where run.sh is started; the tests run from $here.
if [ -n "${SCREENSHOTS_DIR:-}" ]; then
  mkdir -p "$SCREENSHOTS_DIR"
  SCREENSHOTS_DIR="$(cd "$SCREENSHOTS_DIR" && pwd)"
  export SCREENSHOTS_DIR
fi

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
upstream_dir="$(mktemp -d -t idp-e2e-upstream.XXXXXX)"
artifacts="$(mktemp -d -t idp-e2e-artifacts.XXXXXX)"
server_pid=""
upstream_pid=""

# stop PID…: TERM to each (both servers shut down at once), up to 5 s for
# them to finish, then KILL.
stop() {
  local pid live
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    live=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && live=1; done
    [ "$live" = 1 ] || break
    sleep 0.1
  done
  for pid in "$@"; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

cleanup() {
  local status=$?
  stop $server_pid $upstream_pid # unquoted: either may be unset
  if [ "$status" -ne 0 ]; then
    local f
    for f in "$upstream_dir/server.log" "$data_dir/server.log"; do
      [ -s "$f" ] || continue
      log "$f (last 60 lines):"
      tail -n 60 "$f" >&2 || true
    done
  fi
  if [ "${E2E_KEEP:-}" = 1 ]; then
    log "kept data folders $data_dir (idp) and $upstream_dir (upstream)"
  else
    rm -rf "$data_dir" "$upstream_dir"
  fi
  log "screenshots in $artifacts"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The upstream OpenID provider for the federation scenario: a second idp
# with its own data folder. Cookies ignore ports and both servers name theirs
# alike, so the browser must see another host name: the upstream's issuer is
# http://localhost:PORT (bound to 127.0.0.1), idp's stays http://127.0.0.1:PORT.
upstream_email="e2e-upstream-$$-$RANDOM@example.test"
upstream_password="Up5tream#$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')"

# upstream_idp ARGS…: an idp command on the upstream's data folder, bounded
# in time (run from that folder, so no ./idp.toml of the caller's is read).
upstream_idp() {
  (cd "$upstream_dir" && exec env IDP_DATA_DIR="$upstream_dir" timeout 20 "$bin" "$@")
}
if ! out="$(printf '%s\n' "$upstream_password" | upstream_idp user create --email "$upstream_email" \
  --password-stdin --verified --given-name Hedy --family-name Lamarr 2>&1)"; then
  log "idp user create (upstream) failed:"
  printf '%s\n' "$out" >&2
  exit 1
fi

# A second account there, for passkeys (passkeys.test.mjs): WebAuthn needs
# a host name, which only the upstream has, and the federation scenario's
# account must keep signing in with its password alone.
passkey_email="e2e-passkey-$$-$RANDOM@example.test"
if ! out="$(printf '%s\n' "$upstream_password" | upstream_idp user create --email "$passkey_email" \
  --password-stdin --verified --given-name Ada --family-name Lovelace 2>&1)"; then
  log "idp user create (passkey account) failed:"
  printf '%s\n' "$out" >&2
  exit 1
fi

serve_upstream() {
  cd "$upstream_dir" &&
    exec env IDP_DATA_DIR="$upstream_dir" IDP_BIND="127.0.0.1:$1" IDP_ISSUER="http://localhost:$1" \
      IDP_BOT_CHECK_DIFFICULTY=12 "$bin" serve
}
log "starting the upstream idp (data in $upstream_dir)"
idp_start e2e-upstream "$upstream_dir/server.log" 30 serve_upstream || exit 1
upstream_pid=$server_pid
server_pid=""
upstream="http://localhost:$server_port"
log "the upstream is up at $upstream (bound to $server_url)"

# serve PORT (for idp_start): registers PORT's callback as a client at the
# upstream (the redirect URI names the port, which idp_start picks, again
# when a port was taken), writes idp's configuration file with that client,
# then serves from the data folder with that file.
serve() {
  local client
  client="$(upstream_idp client create --name "e2e idp on port $1" \
    --redirect-uri "http://127.0.0.1:$1/federation/upstream/callback" \
    --grant-type authorization_code --scope openid --scope email --scope profile \
    --skip-consent --json)" || { echo "e2e: idp client create at the upstream failed" >&2; exit 1; }
  node -e '
    const [client, issuer, file] = process.argv.slice(1);
    const { client_id, client_secret } = JSON.parse(client);
    if (!client_id || !client_secret) throw new Error(`no client id/secret in ${client}`);
    const q = JSON.stringify; // TOML basic strings take JSON string escapes
    require("fs").writeFileSync(file, [
      "[[federation.providers]]",
      `id = "upstream"`,
      `kind = "oidc"`,
      `display_name = "Upstream Corp"`,
      `client_id = ${q(client_id)}`,
      `client_secret = ${q(client_secret)}`,
      `issuer = ${q(issuer)}`,
      "trust_email = true",
      "",
    ].join("\n"), { mode: 0o600 });' "$client" "$upstream" "$data_dir/idp.toml" || exit 1
  cd "$data_dir" &&
    exec env IDP_DATA_DIR="$data_dir" IDP_BIND="127.0.0.1:$1" IDP_ISSUER="http://127.0.0.1:$1" \
      IDP_BOT_CHECK_DIFFICULTY=12 "$bin" --config "$data_dir/idp.toml" serve
}
# An app registered at idp itself, asking for consent, for the authorization
# requests of a11y.test.mjs (the consent page, ui_locales). Its redirect URI
# is never followed.
client_redirect="https://shop.example.test/callback"
if ! client="$(cd "$data_dir" && env IDP_DATA_DIR="$data_dir" timeout 20 "$bin" client create --name "Example Shop" \
  --redirect-uri "$client_redirect" --public --scope openid --scope email --scope profile --json)"; then
  log "idp client create failed: $client"
  exit 1
fi
client_id="$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).client_id)' "$client")"

log "starting idp (data in $data_dir)"
# At most 30 s for /healthz, giving up early if the server dies.
idp_start e2e "$data_dir/server.log" 30 serve || exit 1
base=$server_url
log "idp is up at $base"

cd "$here"
# One file at a time (2 cores). Bounded: each test by --test-timeout, the
# whole run by `timeout` (--foreground, so Ctrl-C still reaches node).
E2E_BASE_URL="$base" E2E_OUTBOX="$data_dir/outbox" E2E_ARTIFACTS="$artifacts" \
  E2E_UPSTREAM_URL="$upstream" E2E_UPSTREAM_EMAIL="$upstream_email" E2E_UPSTREAM_PASSWORD="$upstream_password" \
  E2E_CLIENT_ID="$client_id" E2E_CLIENT_REDIRECT_URI="$client_redirect" \
  E2E_PASSKEY_EMAIL="$passkey_email" \
  timeout --foreground --kill-after=10 600 \
  node --test --test-concurrency=1 --test-timeout=60000 "$@" mail.test.mjs browser.test.mjs a11y.test.mjs \
  passkeys.test.mjs
