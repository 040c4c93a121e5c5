#!/usr/bin/env bash
# Fuzzes the JSON API with Schemathesis against openapi.yaml: the built
# `target/debug/idp` runs on a free loopback port with a throw-away SQLite
# data dir, and every generated request must get an answer that is not a 5xx
# and that matches the spec (status, content type, headers, body schema).
#
# Three passes: signed out (every operation); signed in as a verified test
# account (every operation except those that end the session); then the
# session-ending operations themselves.
#
# Run from anywhere after `cargo build --bin idp`. Needs python3 (3.10+) with
# venv/pip and access to PyPI on first use; Schemathesis is installed, pinned,
# into target/fuzz-venv and reused afterwards. Reports (JUnit per pass, and
# the server's log) go to target/fuzz-report/. Exits non-zero on any failure;
# Schemathesis prints a seed and `st replay` / curl lines to reproduce it.
# Tunables: FUZZ_MAX_EXAMPLES (default 50 per operation), FUZZ_SEED,
# FUZZ_WORKERS (default 2), FUZZ_TIMEOUT (seconds per pass, default 150),
# FUZZ_DATABASE_URL (an empty PostgreSQL database to use instead of SQLite).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

SCHEMATHESIS_VERSION=4.32.5
VENV=$root/target/fuzz-venv
REPORTS=$root/target/fuzz-report
BIN=$root/target/debug/idp
SPEC=$root/openapi.yaml
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-50}
WORKERS=${FUZZ_WORKERS:-2}
PASS_TIMEOUT=${FUZZ_TIMEOUT:-150}
FUZZ_EMAIL=fuzz@example.com
FUZZ_PASSWORD='Quartz-Walnut!4711-Harbor'

log() { echo "fuzz: $*" >&2; }

[ -x "$BIN" ] || { log "$BIN is missing; run 'cargo build --bin idp' first"; exit 2; }

# --- Schemathesis, pinned, in its own venv -----------------------------------
python=$(command -v python3.11 || command -v python3 || true)
[ -n "$python" ] || { log "python3 is needed"; exit 2; }
if ! "$VENV/bin/st" --version 2>/dev/null | grep -qx "st, version $SCHEMATHESIS_VERSION"; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  [ -x "$VENV/bin/pip" ] || "$python" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
ST="$VENV/bin/st"

# --- The server ---------------------------------------------------------------
data_dir=$(mktemp -d -t idp-fuzz.XXXXXX)
server_pid=""
fuzz_pid=""
cleanup() {
  if [ -n "$fuzz_pid" ]; then
    kill "$fuzz_pid" 2>/dev/null || true
    wait "$fuzz_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  # The server's log (JSON, one line per request) outlives the data dir.
  if [ -f "$data_dir/server.log" ]; then
    mkdir -p "$REPORTS" && cp "$data_dir/server.log" "$REPORTS/server.log" || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Only the settings below count: none from the caller's environment (an
# IDP_SMTP_URL would send real mail) and no ./idp.toml.
for var in $(compgen -e); do
  case $var in IDP_*) unset "$var" ;; esac
done
: >"$data_dir/idp.toml"
idp=("$BIN" --config "$data_dir/idp.toml")
if [ -n "${FUZZ_DATABASE_URL:-}" ]; then
  export IDP_DATABASE_URL="$FUZZ_DATABASE_URL"
fi

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export IDP_DATA_DIR="$data_dir" IDP_BIND="127.0.0.1:$port" IDP_ISSUER="$base" IDP_BOT_CHECK=off
export IDP_LOG=info IDP_LOG_FORMAT=json
# Wrong passwords lock the fuzz account after 5 tries by default, and then
# every password check answers 429 without looking further: allow more, so
# the checks behind the lockout are fuzzed too (it still kicks in late on).
export IDP_THROTTLE__MAX_FAILURES_PER_ACCOUNT=100 IDP_THROTTLE__MAX_FAILURES_PER_ADDRESS=1000

"${idp[@]}" user create --email "$FUZZ_EMAIL" --password "$FUZZ_PASSWORD" --verified \
  --given-name Fuzz --family-name Tester >/dev/null

server_log="$data_dir/server.log"
# Appended to (O_APPEND), so the pass markers written below land in order.
"${idp[@]}" serve >>"$server_log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { log "the server died:"; cat "$server_log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "$base/healthz" >/dev/null || { log "no answer on $base/healthz"; cat "$server_log" >&2; exit 1; }
log "idp is up on $base (data in $data_dir)"

# --- CSRF token + cookie, and a session ---------------------------------------
jar="$data_dir/cookies.txt"
csrf_token=$(curl -fsS -c "$jar" "$base/api/v1/csrf" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
cookie_value() { awk -v name="$1" '$6 == name { v = $7 } END { print v }' "$jar"; }
csrf_cookie=$(cookie_value idp_csrf)
[ -n "$csrf_token" ] && [ -n "$csrf_cookie" ] || { log "no CSRF token or cookie from /api/v1/csrf"; exit 1; }

sign_in_status=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
  -H "X-CSRF-Token: $csrf_token" -H 'Content-Type: application/json' \
  --data "{\"email\":\"$FUZZ_EMAIL\",\"password\":\"$FUZZ_PASSWORD\"}" "$base/api/v1/session")
session_cookie=$(cookie_value idp_session)
[ "$sign_in_status" = 200 ] && [ -n "$session_cookie" ] || {
  log "signing in the fuzz account failed (HTTP $sign_in_status)"; exit 1; }

# --- Schemathesis -------------------------------------------------------------
# Credentials go through Schemathesis' OpenAPI-aware auth (keyed by the
# securitySchemes of openapi.yaml), so it knows which cookies and headers are
# credentials: it leaves them out on purpose only to check that the server
# then refuses (ignored_auth), never by accident.
checks=not_a_server_error,status_code_conformance,content_type_conformance
checks=$checks,response_headers_conformance,response_schema_conformance
checks=$checks,negative_data_rejection,missing_required_header,ignored_auth
checks=$checks,use_after_free,ensure_resource_availability
mkdir -p "$REPORTS"
failed=0

# auth_config FILE SESSION: a schemathesis.toml with the credentials.
auth_config() {
  {
    # 413 (body over 16 KiB) is a rejection too; Schemathesis' default list lacks it.
    printf '[checks.negative_data_rejection]\n'
    printf 'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]\n'
    printf '[auth.openapi.csrfHeader]\napi_key = "%s"\n' "$csrf_token"
    printf '[auth.openapi.csrfCookie]\napi_key = "%s"\n' "$csrf_cookie"
    printf '[auth.openapi.sessionCookie]\napi_key = "%s"\n' "$2"
  } >"$1"
}
# Signed out = a session cookie the server does not know.
auth_config "$data_dir/signed-out.toml" no-such-session
auth_config "$data_dir/signed-in.toml" "$session_cookie"

# fuzz NAME CONFIG [schemathesis run options…]
fuzz() {
  local name=$1 config=$2
  shift 2
  log "pass '$name'"
  local args=(
    --config-file "$config" run "$SPEC" --url "$base/api/v1"
    --checks "$checks"
    --max-examples "$MAX_EXAMPLES" --workers "$WORKERS"
    --request-timeout 10 --generation-database none
    --report junit --report-junit-path "$REPORTS/$name.xml"
    --no-color
  )
  [ -n "${FUZZ_SEED:-}" ] && args+=(--seed "$FUZZ_SEED")
  echo "== pass $name" >>"$server_log"
  # In the background, so that a signal to this script is handled at once;
  # in the data dir, which takes Schemathesis' own cache (.schemathesis/).
  (cd "$data_dir" && exec timeout "$PASS_TIMEOUT" "$ST" "${args[@]}" "$@") &
  fuzz_pid=$!
  local status=0
  wait "$fuzz_pid" || status=$?
  fuzz_pid=""
  if [ "$status" = 124 ]; then
    log "pass '$name' FAILED: not done after ${PASS_TIMEOUT}s"
    failed=1
  elif [ "$status" != 0 ]; then
    log "pass '$name' FAILED"
    failed=1
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    log "the server died during pass '$name':"
    tail -n 50 "$server_log" >&2
    exit 1
  fi
}

# Signed out: every operation. Signed in: all but those that end the session
# (use_after_free and friends would otherwise sign the fuzzer out early).
# Last, the session-ending ones.
ending=(signOut endAllSessions endSession)
fuzz signed-out "$data_dir/signed-out.toml"
fuzz signed-in "$data_dir/signed-in.toml" \
  $(printf -- '--exclude-operation-id %s ' "${ending[@]}")
fuzz session-ending "$data_dir/signed-in.toml" \
  $(printf -- '--include-operation-id %s ' "${ending[@]}")

# What the server saw, per pass and documented operation (a coverage check for
# humans); and no 5xx or panic anywhere, whoever sent the request.
if ! "$VENV/bin/python" - "$server_log" "$SPEC" <<'PY'
import collections, json, re, sys

import yaml

log_path, spec_path = sys.argv[1:3]
with open(spec_path, encoding="utf-8") as f:
    spec = yaml.safe_load(f)
routes = []  # (METHOD, regex, label)
for path, item in spec["paths"].items():
    pattern = re.compile("^/api/v1" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
    for method in item:
        if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
            routes.append((method.upper(), pattern, f"{method.upper()} {path}"))

def label(method, path):
    for m, pattern, name in routes:
        if m == method and pattern.match(path):
            return name
    return "(undocumented method or path)"

passes = collections.OrderedDict()
current, bad = "setup", []
for line in open(log_path, encoding="utf-8", errors="replace"):
    if line.startswith("== pass "):
        current = line.split()[-1]
        continue
    if "panicked" in line:
        bad.append(line.strip())
    try:
        event = json.loads(line)
    except ValueError:
        continue
    status = event.get("fields", {}).get("status")
    span = event.get("span") or {}
    if status is None or "path" not in span:
        continue
    name = label(span["method"], span["path"])
    passes.setdefault(current, collections.defaultdict(collections.Counter))[name][status] += 1
    if status >= 500:
        bad.append(f'{span["method"]} {span["path"]} answered {status}')
for pass_name, operations in passes.items():
    print(f"fuzz: statuses the server answered in pass {pass_name}:", file=sys.stderr)
    for name in sorted(operations):
        counts = ", ".join(f"{s}x{n}" for s, n in sorted(operations[name].items()))
        print(f"  {name:<36} {counts}", file=sys.stderr)
for problem in bad:
    print(f"fuzz: SERVER PROBLEM: {problem}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
then
  failed=1
fi

if [ "$failed" != 0 ]; then
  log "FAILED (JUnit reports in $REPORTS/)"
  exit 1
fi
log "all passes succeeded"
