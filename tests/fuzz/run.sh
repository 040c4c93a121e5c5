#!/usr/bin/env bash
# Fuzzes the JSON API with Schemathesis against openapi.yaml: the built
# `target/debug/idp` runs on a free loopback port with a throw-away SQLite
# data dir, and every generated request must get an answer that is not a 5xx
# and that matches the spec (status, content type, headers, body schema).
#
# Three passes: signed out (every operation); signed in as a verified test
# account (every operation except those that end the session); then the
# session-ending operations themselves. Each signed-in pass has an account
# and a session of its own, made just before it.
#
# Run from anywhere after `cargo build --bin idp`. Needs python3 (3.11, the
# Python the lock was made with) with venv and access to PyPI on first use.
# Schemathesis and every package under it are installed from
# tests/fuzz/requirements.txt (each pinned, with its hashes) into
# target/fuzz-venv, which is reused while the lock is unchanged. Reports
# (JUnit and JSON per pass, and the server's log) go to target/fuzz-report/.
#
# Exits non-zero on anything idp did wrong; Schemathesis prints a seed and
# `st replay` / curl lines to reproduce it. A crash of Schemathesis itself
# (see tool_crashed below) is not idp's: that pass runs once more with a new
# seed, saying so, and fails only if it crashes again. A failed check is never
# run again.
#
# Tunables: FUZZ_MAX_EXAMPLES (default 50 per operation), FUZZ_SEED,
# FUZZ_WORKERS (default 1, see below), FUZZ_TIMEOUT (seconds per pass,
# default 150), FUZZ_DATABASE_URL (an empty PostgreSQL database to use
# instead of SQLite).
#
# To change the Python packages: edit tests/fuzz/requirements.in, then make
# the lock again with pip-tools (in a venv of its own, not this one), from a
# clean pip environment as below:
#   env $(compgen -e | grep '^PIP_' | sed 's/^/-u /') PIP_CONFIG_FILE=/dev/null \
#     pip-compile --generate-hashes --allow-unsafe --strip-extras \
#     --output-file=tests/fuzz/requirements.txt tests/fuzz/requirements.in
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
# shellcheck source=tests/lib/runner.sh
. "$root/tests/lib/runner.sh"

LOCK=$root/tests/fuzz/requirements.txt
VENV=$root/target/fuzz-venv
REPORTS=$root/target/fuzz-report
BIN=$root/target/debug/idp
SPEC=$root/openapi.yaml
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-50}
# One worker: on CPython before 3.11.8 (this machine has 3.11.7), building an
# AST in two threads at once can fail with "SystemError: AST constructor
# recursion depth mismatch" (CPython gh-106905), and Hypothesis parses source
# code (filter lambdas, whole modules) in every worker thread, a few thousand
# times a pass. With two workers, parses overlapped and a pass crashed in two
# runs out of three here; with one, no two parses ever ran at once (the other
# phases' threads run one after another). A pass is no slower with one on two
# cores: idp needs the other.
WORKERS=${FUZZ_WORKERS:-1}
PASS_TIMEOUT=${FUZZ_TIMEOUT:-150}
FUZZ_PASSWORD='Quartz-Walnut!4711-Harbor'

log() { echo "fuzz: $*" >&2; }

[ -x "$BIN" ] || { log "$BIN is missing; run 'cargo build --bin idp' first"; exit 2; }

# --- Schemathesis and everything under it, from the lock ------------------------
# shellcheck source=tests/lib/python-venv.sh
. "$root/tests/lib/python-venv.sh"
locked_venv fuzz "$LOCK" "$VENV" || exit 2
ST="$VENV/bin/st"
PY=("$VENV/bin/python" -I)

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
export IDP_DATA_DIR="$data_dir" IDP_BOT_CHECK=off
export IDP_LOG=info IDP_LOG_FORMAT=json
# Wrong passwords lock a fuzz account after 5 tries by default, and then
# every password check answers 429 without looking further: allow more, so
# the checks behind the lockout are fuzzed too (it still kicks in late on).
export IDP_THROTTLE__MAX_FAILURES_PER_ACCOUNT=100 IDP_THROTTLE__MAX_FAILURES_PER_ADDRESS=1000

server_log="$data_dir/server.log"
# serve PORT (for idp_start). Appended to (O_APPEND), so the pass markers
# written below land in order.
serve() { IDP_BIND="127.0.0.1:$1" IDP_ISSUER="http://127.0.0.1:$1" exec "${idp[@]}" serve; }
idp_start fuzz "$server_log" 30 serve || { tail -n 50 "$server_log" >&2; exit 1; }
base=$server_url
log "idp is up on $base (data in $data_dir)"

# --- CSRF tokens and sessions ---------------------------------------------------
cookie_value() { awk -v name="$2" '$6 == name { v = $7 } END { print v }' "$1"; }
# csrf_token JAR: GET /csrf with the cookies in JAR (which keeps what it sets).
csrf_token() {
  curl -fsS -b "$1" -c "$1" "$base/api/v1/csrf" |
    "${PY[@]}" -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])'
}

# auth_config FILE CSRF_TOKEN CSRF_COOKIE SESSION: a schemathesis.toml with
# the credentials.
auth_config() {
  {
    # 413 (body over 16 KiB) is a rejection too; Schemathesis' default list lacks it.
    printf '[checks.negative_data_rejection]\n'
    printf 'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]\n'
    printf '[auth.openapi.csrfHeader]\napi_key = "%s"\n' "$2"
    printf '[auth.openapi.csrfCookie]\napi_key = "%s"\n' "$3"
    printf '[auth.openapi.sessionCookie]\napi_key = "%s"\n' "$4"
  } >"$1"
}

# Signed out = a session cookie the server does not know.
jar="$data_dir/signed-out.cookies"
token=$(csrf_token "$jar")
[ -n "$token" ] && [ -n "$(cookie_value "$jar" idp_csrf)" ] || {
  log "no CSRF token or cookie from /api/v1/csrf"; exit 1; }
auth_config "$data_dir/signed-out.toml" "$token" "$(cookie_value "$jar" idp_csrf)" no-such-session

# signed_in_config FILE: a new verified account, signed in, and its
# credentials in FILE. The CSRF token is fetched again after signing in and
# that one is used: it may be bound to the session, and change at sign-in.
accounts=0
signed_in_config() {
  local file=$1 email jar status token session
  accounts=$((accounts + 1))
  email="fuzz$accounts@example.com"
  printf '%s\n' "$FUZZ_PASSWORD" | "${idp[@]}" user create --email "$email" --password-stdin --verified \
    --given-name Fuzz --family-name Tester >/dev/null || { log "idp user create failed"; return 1; }
  jar="$data_dir/$accounts.cookies"
  token=$(csrf_token "$jar") || { log "no CSRF token from /api/v1/csrf"; return 1; }
  status=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
    -H "X-CSRF-Token: $token" -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"password\":\"$FUZZ_PASSWORD\"}" "$base/api/v1/session")
  session=$(cookie_value "$jar" idp_session)
  [ "$status" = 200 ] && [ -n "$session" ] || {
    log "signing in $email failed (HTTP $status)"; return 1; }
  token=$(csrf_token "$jar") || { log "no CSRF token from /api/v1/csrf after signing in"; return 1; }
  auth_config "$file" "$token" "$(cookie_value "$jar" idp_csrf)" "$session"
}

# --- Schemathesis -------------------------------------------------------------
# Credentials go through Schemathesis' OpenAPI-aware auth (keyed by the
# securitySchemes of openapi.yaml), so it knows which cookies and headers are
# credentials: it leaves them out on purpose only to check that the server
# then refuses (ignored_auth), never by accident.
checks=not_a_server_error,status_code_conformance,content_type_conformance
checks=$checks,response_headers_conformance,response_schema_conformance
checks=$checks,negative_data_rejection,missing_required_header,ignored_auth
checks=$checks,use_after_free,ensure_resource_availability
# Only this run's reports (a retried pass leaves two).
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
failed=0

# schemathesis NAME CONFIG SEED [schemathesis run options…]: one run of
# Schemathesis; its exit status is returned (124: not done in time).
schemathesis() {
  local name=$1 config=$2 seed=$3
  shift 3
  local args=(
    --config-file "$config" run "$SPEC" --url "$base/api/v1"
    --checks "$checks"
    --max-examples "$MAX_EXAMPLES" --workers "$WORKERS"
    --request-timeout 10 --generation-database none
    --report "junit,json" --report-junit-path "$REPORTS/$name.xml"
    --report-json-path "$REPORTS/$name.json"
    --no-color
  )
  [ -n "$seed" ] && args+=(--seed "$seed")
  # In the background, so that a signal to this script is handled at once;
  # in the data dir, which takes Schemathesis' own cache (.schemathesis/).
  (cd "$data_dir" && exec timeout "$PASS_TIMEOUT" "$ST" "${args[@]}" "$@") &
  fuzz_pid=$!
  local status=0
  wait "$fuzz_pid" || status=$?
  fuzz_pid=""
  return "$status"
}

# tool_crashed STATUS REPORT: whether a Schemathesis run that ended with
# STATUS failed only because Schemathesis itself crashed.
#
# How Schemathesis 4.32.5 tells (read in its source): the exit status alone
# cannot. cli/constants.py ExitCode: 0 OK; 1 FAILURES, which cli/context.py
# also sets for every error inside the run (a NonFatalError event, e.g. an
# exception raised while testing one operation) and which Python gives an
# uncaught exception; 2 ERROR (configuration or schema error, a FatalError of
# the engine, or nothing tested); 130 interrupted. The JSON report
# (cli/json_report.py, written at shutdown, also after an error) keeps the
# two apart: "failures" lists failed checks (a 5xx is one: not_a_server_error)
# and test_cases.with_failures counts test cases with any; "errors" lists
# errors by title. engine/errors.py titles an unexpected exception of the
# tool (RuntimeErrorKind.UNCLASSIFIED, such as the SystemError under WORKERS)
# "Runtime Error", and json_report.py titles an exception that escaped the
# engine "Test Execution Error"; everything that may be idp's or ours has a
# title of its own ("Network Error", "Unresponsive Operation", "Server
# Unavailable", "Schema Error", "Failed Health Check", "Configuration
# Error", …) and is never a crash here. An uncaught exception in the CLI
# leaves "errors" empty, stop_reason "error" and complete false.
#
# So: a crash is a status of 1 or 2 whose report exists, has no failed check,
# and has only "Runtime Error"/"Test Execution Error" errors (or none, with
# the run stopped by an error). No report (the process died harder) is not
# taken for a crash. If something idp sent made the tool crash, it will again
# with another seed, so the one retry hides nothing that idp does.
tool_crashed() {
  case $1 in 1 | 2) ;; *) return 1 ;; esac
  [ -s "$2" ] || return 1
  "${PY[@]}" - "$2" <<'PY'
import json, sys

report = json.load(open(sys.argv[1], encoding="utf-8"))
crashes = {"Runtime Error", "Test Execution Error"}
titles = [error["title"] for error in report.get("errors") or []]
checks_failed = report.get("failures") or (report.get("test_cases") or {}).get("with_failures")
crashed = all(t in crashes for t in titles) if titles else report.get("stop_reason") == "error"
sys.exit(0 if crashed and not checks_failed else 1)
PY
}

# fuzz NAME SESSION [schemathesis run options…]: one pass, SESSION being
# signed-out or signed-in (a new account and session per attempt).
fuzz() {
  local name=$1 session=$2 seed=${FUZZ_SEED:-} attempt status config
  shift 2
  for attempt in 1 2; do
    local run=$name
    [ "$attempt" = 1 ] || run=$name-retry
    log "pass '$run'"
    echo "== pass $run" >>"$server_log"
    config=$data_dir/signed-out.toml
    if [ "$session" = signed-in ]; then
      config=$data_dir/$run.toml
      signed_in_config "$config" || exit 1
    fi
    status=0
    schemathesis "$run" "$config" "$seed" "$@" || status=$?
    if ! kill -0 "$server_pid" 2>/dev/null; then
      log "the server died during pass '$run':"
      tail -n 50 "$server_log" >&2
      exit 1
    fi
    [ "$status" != 0 ] || return 0
    if [ "$status" = 124 ]; then
      log "pass '$run' FAILED: not done after ${PASS_TIMEOUT}s"
    elif ! tool_crashed "$status" "$REPORTS/$run.json"; then
      log "pass '$run' FAILED"
    elif [ "$attempt" = 1 ]; then
      seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
      log "schemathesis crashed (tool error, not an idp failure); retrying once with seed $seed"
      continue
    else
      log "pass '$run' FAILED: schemathesis crashed again (tool error), see above"
    fi
    failed=1
    return 0
  done
}

# Signed out: every operation. Signed in: all but those that end the session
# (use_after_free and friends would otherwise sign the fuzzer out early).
# Last, the session-ending ones.
ending=(signOut endAllSessions endSession)
fuzz signed-out signed-out
# shellcheck disable=SC2046 # one word per option
fuzz signed-in signed-in $(printf -- '--exclude-operation-id %s ' "${ending[@]}")
# shellcheck disable=SC2046
fuzz session-ending signed-in $(printf -- '--include-operation-id %s ' "${ending[@]}")

# What the server saw, per pass and documented operation (a coverage check for
# humans); and no 5xx or panic anywhere, whoever sent the request.
if ! "${PY[@]}" - "$server_log" "$SPEC" <<'PY'
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
  log "FAILED (JUnit and JSON reports in $REPORTS/)"
  exit 1
fi
log "all passes succeeded"
