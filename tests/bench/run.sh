#!/usr/bin/env bash
# Smoke run of the load generator: every idp-bench scenario for a couple of
# seconds against the built target/debug/idp, on SQLite and on a fresh
# PostgreSQL database, failing on any request that failed. A second idp on
# its own SQLite file is the upstream of `federated-sign-in`; on PostgreSQL a
# second node on the same database shares `mixed` with the first, as behind
# a load balancer. It checks that the scenarios work end to end, not how
# fast (figures live in docs/benchmarks.md, measured on a release build).
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
upstream_dir="$data_dir/upstream"
mkdir -m 700 "$upstream_dir"
server_pid="" upstream_pid="" node_pid=""
pg_db=""

stop_server() {
  idp_stop "$server_pid"; idp_stop "$upstream_pid"; idp_stop "$node_pid"
  server_pid="" upstream_pid="" node_pid=""
}

cleanup() {
  local status=$?
  stop_server
  if [ "$status" -ne 0 ]; then
    for f in "$data_dir"/*.log "$upstream_dir"/*.log; do
      [ -s "$f" ] || continue
      log "$f (last 40 lines):"
      tail -n 40 "$f" >&2 || true
    done
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
# serve PORT [DIR DATABASE_URL [ISSUER]]: idp with only the settings named
# here (no caller's IDP_*); by default the server under test.
serve() {
  local dir=${2:-$data_dir}
  cd "$dir" &&
    exec env -i PATH="$PATH" IDP_DATA_DIR="$dir" IDP_DATABASE_URL="${3:-$database_url}" \
      IDP_BIND="127.0.0.1:$1" IDP_ISSUER="${4:-http://127.0.0.1:$1}" IDP_BOT_CHECK=off "$bin" serve
}

# bench ARGS…: idp-bench against $server_url, preparing with the server's
# settings; any failed request fails it.
bench() {
  (cd "$data_dir" && env -i PATH="$PATH" IDP_DATA_DIR="$data_dir" IDP_DATABASE_URL="$database_url" \
    timeout --kill-after=5 240 "$bench" --url "$server_url" --idp "$bin" --server-pid "$server_pid" \
    --connections 2 --duration 1.5 --people 2 --quiet --fail-on-error "$@")
}

# smoke LABEL: one short run of every scenario against a fresh server on
# $database_url; any failed request fails it.
smoke() {
  local label=$1
  : >"$data_dir/server.log"
  log "$label: starting idp"
  idp_start "bench ($label)" "$data_dir/server.log" 30 serve || exit 1
  local main_pid=$server_pid main_url=$server_url
  log "$label: idp is up at $server_url"
  local upstream_db="sqlite://$upstream_dir/$label.db"
  idp_start "bench ($label upstream)" "$upstream_dir/$label.log" 30 \
    serve "$upstream_dir" "$upstream_db" || exit 1
  upstream_pid=$server_pid
  local upstream_url=$server_url
  server_pid=$main_pid server_url=$main_url
  bench --burst 2 --json "$data_dir/$label.json" --upstream "$upstream_url" \
    --upstream-idp "env IDP_DATA_DIR=$upstream_dir $bin --database-url $upstream_db"
  stop_server
}

database_url="sqlite://$data_dir/idp.db"
smoke sqlite

pg_db="idp_bench_$$_$RANDOM"
psql "$pg_url/postgres" -qc "CREATE DATABASE $pg_db" >/dev/null
database_url="$pg_url/$pg_db"
smoke postgres

# Two nodes on one PostgreSQL database and one issuer (the master key in
# the shared folder), each request of `mixed` to the next node.
: >"$data_dir/server.log"
idp_start "bench (node 1)" "$data_dir/server.log" 30 serve || exit 1
node1_pid=$server_pid node1_url=$server_url
idp_start "bench (node 2)" "$data_dir/node2.log" 30 serve "$data_dir" "$database_url" "$node1_url" || exit 1
node_pid=$server_pid
server_pid=$node1_pid
log "two nodes: $node1_url and $server_url, issuer $node1_url"
bench_nodes=(--node "$node1_url" --node "$server_url")
server_url=$node1_url
bench --scenario mixed --burst 2 "${bench_nodes[@]}" --json "$data_dir/two-nodes.json"
stop_server
log "every scenario ran without a failed request on SQLite and PostgreSQL"
