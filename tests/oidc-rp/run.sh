#!/usr/bin/env bash
# OpenID Connect interoperability suite: openid-client (an OpenID Certified
# relying-party library, Node) drives the built target/debug/idp as the apps
# would, and a small cookie-keeping HTTP client plays the person (sign-in
# form, consent page). See README.md beside this file.
#
#   cargo build --bin idp
#   bash tests/oidc-rp/run.sh                             # everything
#   bash tests/oidc-rp/run.sh --test-name-pattern=Consent # extra arguments go to `node --test`
#
# Environment: IDP_BIN (default target/debug/idp); OIDC_RP_KEEP=1 keeps the
# data folder (database, server log) for a look afterwards.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
bin="${IDP_BIN:-$root/target/debug/idp}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac

log() { printf 'oidc-rp: %s\n' "$*" >&2; }

if [ ! -x "$bin" ]; then
  log "$bin is missing: run 'cargo build --bin idp' first"
  exit 1
fi
command -v node >/dev/null || { log "node (20 or later) is needed"; exit 1; }

# shellcheck source=tests/lib/runner.sh
. "$root/tests/lib/runner.sh"

# openid-client and jose, exactly as locked.
npm_ci_locked oidc-rp "$here"

data_dir="$(mktemp -d -t idp-oidc-rp.XXXXXX)"
server_pid=""

cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ]; then wait "$server_pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ] && [ -s "$data_dir/server.log" ]; then
    log "server log (last 40 lines):"
    tail -n 40 "$data_dir/server.log" >&2 || true
  fi
  if [ "${OIDC_RP_KEEP:-}" = 1 ]; then
    log "kept data folder $data_dir"
  else
    rm -rf "$data_dir"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rp_port="$(idp_pick_port)" # the apps' redirect URIs: nothing listens there, the person stops before
redirect_uri="http://127.0.0.1:$rp_port/cb"
post_logout_uri="http://127.0.0.1:$rp_port/bye"
email='ada@example.com'
password='Corr3ct-Horse!Battery'

# Every idp command with only the settings named here (no caller's IDP_* and,
# run from the data folder, no stray ./idp.toml), and bounded in time.
idp() {
  (cd "$data_dir" && exec env -i PATH="$PATH" IDP_DATA_DIR="$data_dir" timeout 20 "$bin" "$@")
}

log "data folder $data_dir"
if ! out="$(printf '%s\n' "$password" | idp user create --email "$email" --password-stdin --verified \
  --given-name Ada --family-name Lovelace 2>&1)"; then
  log "idp user create failed:"
  printf '%s\n' "$out" >&2
  exit 1
fi

# register NAME ARGS…: `idp client create --json`; its JSON (or the failure)
# goes into $data_dir/clients/NAME.json for the tests.
mkdir -p "$data_dir/clients"
registration_failed=0
register() {
  local name=$1 status=0 out
  shift
  out="$(idp client create --name "$name" "$@" --json 2>"$data_dir/clients/$name.err")" || status=$?
  if [ "$status" -eq 124 ]; then
    log "idp client create --name '$name' did not finish within 20 s"
    exit 1
  fi
  if [ "$status" -eq 0 ] && printf '%s' "$out" | node -e '
      const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
      process.exit(typeof j.client_id === "string" ? 0 : 1)' 2>/dev/null; then
    printf '%s' "$out" >"$data_dir/clients/$name.json"
  else
    registration_failed=1
    local why
    why="$(printf 'exit %s: %s %s' "$status" "$out" "$(cat "$data_dir/clients/$name.err")" | tr '\n' ' ' | cut -c1-400)"
    log "idp client create --name '$name' failed ($why)"
    node -e 'process.stdout.write(JSON.stringify({ registration_error: process.argv[1] }))' "$why" \
      >"$data_dir/clients/$name.json"
  fi
}

code_scopes=(--scope openid --scope profile --scope email)
register shop --redirect-uri "$redirect_uri" --post-logout-redirect-uri "$post_logout_uri" \
  --grant-type authorization_code --grant-type refresh_token \
  "${code_scopes[@]}" --scope offline_access --skip-consent
register forum --redirect-uri "$redirect_uri" --grant-type authorization_code \
  "${code_scopes[@]}" --skip-consent
register mobile --public --redirect-uri "$redirect_uri" --grant-type authorization_code \
  "${code_scopes[@]}" --skip-consent
register inventory --redirect-uri "$redirect_uri" --grant-type client_credentials --scope api
register 'Partner Portal' --redirect-uri "$redirect_uri" --grant-type authorization_code \
  "${code_scopes[@]}"

# { role: { …what `client create --json` printed, name } } for the tests.
clients_json="$(node -e '
  const fs = require("fs");
  const dir = process.argv[1];
  const roles = { shop: "shop", forum: "forum", public: "mobile", service: "inventory", consent: "Partner Portal" };
  const out = {};
  for (const [role, name] of Object.entries(roles)) {
    out[role] = { name, ...JSON.parse(fs.readFileSync(`${dir}/${name}.json`, "utf8")) };
  }
  process.stdout.write(JSON.stringify(out));' "$data_dir/clients")"

# serve PORT (for idp_start), with only the settings named here, as idp() does.
serve() {
  cd "$data_dir" &&
    exec env -i PATH="$PATH" IDP_DATA_DIR="$data_dir" IDP_BIND="127.0.0.1:$1" \
      IDP_ISSUER="http://127.0.0.1:$1" IDP_BOT_CHECK=off "$bin" serve
}
log "starting idp"
# At most 20 s for /healthz, giving up early if the server dies.
idp_start oidc-rp "$data_dir/server.log" 20 serve || exit 1
issuer=$server_url
log "idp is up at $issuer"

cd "$here"
status=0
# One file at a time, each test bounded by --test-timeout and the whole run
# by `timeout` (--foreground, so Ctrl-C still reaches node): with the 20 s
# bounds above, the suite ends within 2 minutes whatever the server does.
OIDC_RP_ISSUER="$issuer" OIDC_RP_REDIRECT_URI="$redirect_uri" \
  OIDC_RP_POST_LOGOUT_REDIRECT_URI="$post_logout_uri" \
  OIDC_RP_EMAIL="$email" OIDC_RP_PASSWORD="$password" OIDC_RP_CLIENTS="$clients_json" \
  timeout --foreground --kill-after=5 75 \
  node --test --test-reporter=spec --test-concurrency=1 --test-timeout=30000 "$@" browser.test.mjs oidc-rp.test.mjs || status=$?

if [ "$status" -eq 124 ]; then log "the tests did not finish within 75 s"; fi
if [ "$registration_failed" -ne 0 ]; then
  log "FAILED: some clients could not be registered (see above)"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
