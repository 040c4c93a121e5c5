#!/usr/bin/env bash
# Smoke run of the load generator: every idp-bench scenario for a couple of
# seconds against the built target/debug/idp, on SQLite and on a fresh
# PostgreSQL database, failing on any request that failed. It checks that
# the scenarios work end to end, not how fast (figures live in
# docs/benchmarks.md, measured on a release build).
#
#   cargo build --bin idp --bin idp-bench
#   bash tests/bench/run.sh
#
# Environment: IDP_BIN, IDP_BENCH_BIN (default target/debug/…); PG_URL, the
# server the PostgreSQL run creates its database in (default
# postgres://postgres@127.0.0.1:5432).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
bin="${IDP_BIN:-$root/target/debug/idp}"
bench="${IDP_BENCH_BIN:-$root/target/debug/idp-bench}"
pg_url="${PG_URL:-postgres://postgres@127.0.0.1:5432}"

log() { printf 'bench: %s\n' "$*" >&2; }
for b in "$bin" "$bench"; do
  [ -x "$b" ] || { log "$b is missing: run 'cargo build --bin idp --bin idp-bench' first"; exit 1; }
done

# shellcheck source=tests/lib/runner.sh
. "$root/tests/lib/runner.sh"

data_dir="$(mktemp -d -t idp-bench.XXXXXX)"
server_pid=""
pg_db=""

stop_server() {
  idp_stop "$server_pid"
  server_pid=""
}

cleanup() {
  local status=$?
  stop_server
  if [ "$status" -ne 0 ] && [ -s "$data_dir/server.log" ]; then
    log "server log (last 40 lines):"
    tail -n 40 "$data_dir/server.log" >&2 || true
  fi
  if [ -n "$pg_db" ]; then
    psql "$pg_url/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$data_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

database_url=""
# serve PORT: idp with only the settings named here (no caller's IDP_*).
serve() {
  cd "$data_dir" &&
    exec env -i PATH="$PATH" IDP_DATA_DIR="$data_dir" IDP_DATABASE_URL="$database_url" \
      IDP_BIND="127.0.0.1:$1" IDP_ISSUER="http://127.0.0.1:$1" IDP_BOT_CHECK=off "$bin" serve
}

# smoke LABEL: one short run of every scenario against a fresh server on
# $database_url; any failed request fails it.
smoke() {
  local label=$1
  : >"$data_dir/server.log"
  log "$label: starting idp"
  idp_start "bench ($label)" "$data_dir/server.log" 30 serve || exit 1
  log "$label: idp is up at $server_url"
  # The generator prepares its clients and people with the same settings.
  (cd "$data_dir" && env -i PATH="$PATH" IDP_DATA_DIR="$data_dir" IDP_DATABASE_URL="$database_url" \
    timeout --kill-after=5 240 "$bench" --url "$server_url" --idp "$bin" --server-pid "$server_pid" \
    --connections 2 --duration 1.5 --people 2 --burst 2 --quiet --fail-on-error \
    --json "$data_dir/$label.json")
  stop_server
}

database_url="sqlite://$data_dir/idp.db"
smoke sqlite

pg_db="idp_bench_$$_$RANDOM"
psql "$pg_url/postgres" -qc "CREATE DATABASE $pg_db" >/dev/null
database_url="$pg_url/$pg_db"
smoke postgres
log "every scenario ran without a failed request on SQLite and PostgreSQL"
