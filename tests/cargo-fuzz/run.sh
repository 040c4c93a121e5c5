#!/usr/bin/env bash
# cargo fuzz (libFuzzer) on idp-core's parsers of outside input: the targets
# in fuzz/fuzz_targets/, each run for a bounded time, seeded from the small
# committed corpus in fuzz/seeds/<target>/ plus what earlier runs kept in
# fuzz/corpus/<target>/ (not committed). See fuzz/README.md.
#
# cargo-fuzz, pinned, is installed into target/cargo-fuzz-bin on first use and
# reused afterwards. It needs -Z flags, which the stable toolchain accepts
# with RUSTC_BOOTSTRAP=1. AddressSanitizer is used when this toolchain builds
# and runs it, else no sanitizer. Builds are release (opt-level 1) with debug
# assertions and overflow checks, cargo fuzz's default.
#
# Run from anywhere. Exits non-zero when a target crashes (panic, failed
# assertion, sanitizer report, timeout or out-of-memory) or ran no input at
# all, and prints the panic and the crashing input; fuzz/artifacts/<target>/
# keeps the input, and the printed `replay:` line reruns it. Full logs go to
# target/cargo-fuzz-report/run.*/ (one folder per run, kept for a day).
#
# Tunables: FUZZ_SECONDS (per target, default 10), FUZZ_TARGETS (space
# separated, default all), FUZZ_JOBS (targets fuzzed at once, default 2),
# FUZZ_SANITIZER (address or none; default address when it works),
# FUZZ_INPUT_TIMEOUT (seconds one input may take, default 10).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

CARGO_FUZZ_VERSION=0.13.2
INSTALL_ROOT=$root/target/cargo-fuzz-bin
CARGO_FUZZ=$INSTALL_ROOT/bin/cargo-fuzz
FUZZ_DIR=$root/fuzz
REPORTS_ROOT=$root/target/cargo-fuzz-report
SECONDS_EACH=${FUZZ_SECONDS:-10}
JOBS=${FUZZ_JOBS:-2}
INPUT_TIMEOUT=${FUZZ_INPUT_TIMEOUT:-10}
export RUSTC_BOOTSTRAP=1

log() { echo "cargo-fuzz: $*" >&2; }
started=$SECONDS

# --- cargo-fuzz, pinned, project-local ----------------------------------------
if [ "$("$CARGO_FUZZ" --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION into $INSTALL_ROOT"
  # Unoptimised: it only drives cargo, and builds in half the time.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install --quiet --locked --force --version "$CARGO_FUZZ_VERSION" \
    --root "$INSTALL_ROOT" cargo-fuzz
fi

# --- sanitizer: AddressSanitizer when this toolchain builds and runs it ---------
sanitizer=${FUZZ_SANITIZER:-}
if [ -z "$sanitizer" ]; then
  probe=$(mktemp -d -t idp-asan-probe.XXXXXX)
  echo 'fn main() { let v = vec![1u8; 4]; std::process::exit(i32::from(v[3]) - 1) }' >"$probe/p.rs"
  if rustc -Zsanitizer=address -o "$probe/p" "$probe/p.rs" >"$probe/log" 2>&1 && "$probe/p"; then
    sanitizer=address
  else
    log "AddressSanitizer does not build or run here; fuzzing without a sanitizer:"
    sed 's/^/    /' "$probe/log" >&2 || true
    sanitizer=none
  fi
  rm -rf "$probe"
fi

# --- build every target once ----------------------------------------------------
build_started=$SECONDS
log "building the fuzz targets (sanitizer: $sanitizer)"
"$CARGO_FUZZ" build --fuzz-dir "$FUZZ_DIR" --sanitizer "$sanitizer"
log "built in $((SECONDS - build_started)) s"

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  mapfile -t targets < <("$CARGO_FUZZ" list --fuzz-dir "$FUZZ_DIR")
fi
[ "${#targets[@]}" -gt 0 ] || { log "no fuzz targets"; exit 2; }

# --- fuzz each for a bounded time, FUZZ_JOBS at once ---------------------------
# A folder per run: two runs at once (scripts/test and a developer) must not
# mix their logs. Corpus and artifacts are shared; libFuzzer copes.
mkdir -p "$REPORTS_ROOT"
find "$REPORTS_ROOT" -mindepth 1 -maxdepth 1 -name 'run.*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
REPORTS=$(mktemp -d "$REPORTS_ROOT/run.XXXXXX")

# Fuzzes one target; leaves its log, exit status and run time in $REPORTS.
fuzz_one() {
  local target=$1 t0=$SECONDS status=0
  local corpus=$FUZZ_DIR/corpus/$target
  mkdir -p "$corpus" "$FUZZ_DIR/artifacts/$target"
  local dirs=("$corpus")
  [ -d "$FUZZ_DIR/seeds/$target" ] && dirs+=("$FUZZ_DIR/seeds/$target")
  touch "$REPORTS/$target.start"
  "$CARGO_FUZZ" run --fuzz-dir "$FUZZ_DIR" --sanitizer "$sanitizer" "$target" "${dirs[@]}" -- \
    -max_total_time="$SECONDS_EACH" -timeout="$INPUT_TIMEOUT" \
    >"$REPORTS/$target.log" 2>&1 || status=$?
  echo "$status $((SECONDS - t0))" >"$REPORTS/$target.status"
}

fuzz_started=$SECONDS
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  fuzz_one "$target" &
done
wait

# --- report ---------------------------------------------------------------------
failed=()
for target in "${targets[@]}"; do
  report=$REPORTS/$target.log
  read -r status took <"$REPORTS/$target.status" 2>/dev/null || { status=99 took='?'; }
  # libFuzzer ends a run that stopped on time with "Done N runs in S
  # second(s)" (FuzzerDriver.cpp); a target that exited 0 without running an
  # input (or without that line) tested nothing, and fails.
  runs=$(grep -Eo '^Done [0-9]+ runs' "$report" | grep -Eo '[0-9]+' | tail -n 1 || true)
  if [ "$status" -eq 0 ] && [ "${runs:-0}" -gt 0 ]; then
    log "$target: ok, $runs inputs in $took s, corpus $(find "$FUZZ_DIR/corpus/$target" -type f | wc -l) files"
    continue
  fi
  failed+=("$target")
  if [ "$status" -eq 0 ]; then
    log "$target: FAILED: it ran ${runs:-no} inputs (no 'Done N runs' with N > 0 in its log) in $took s; log: ${report#"$root"/}"
    tail -n 30 "$report" | sed 's/^/      /' >&2
    continue
  fi
  log "$target: CRASHED (exit $status) after $took s; log: ${report#"$root"/}"
  grep -E -m1 -A1 "panicked at|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)" "$report" |
    sed 's/^/    /' >&2 || true
  found=0
  while IFS= read -r input; do
    found=1
    log "$target: crashing input ${input#"$root"/} ($(wc -c <"$input") bytes)"
    echo "    as text (cat -v):" >&2
    { head -c 4000 "$input" | cat -v | sed 's/^/      /' >&2; } || true
    echo >&2
    echo "    as base64: $(head -c 6000 "$input" | base64 -w0)" >&2
    echo "    replay: RUSTC_BOOTSTRAP=1 target/cargo-fuzz-bin/bin/cargo-fuzz run --fuzz-dir fuzz --sanitizer $sanitizer $target ${input#"$root"/}" >&2
  done < <(find "$FUZZ_DIR/artifacts/$target" -type f -newer "$REPORTS/$target.start")
  if [ "$found" -eq 0 ]; then
    echo "    (no input was saved; the log ends:)" >&2
    tail -n 30 "$report" | sed 's/^/      /' >&2
  fi
done

log "fuzzed ${#targets[@]} targets in $((SECONDS - fuzz_started)) s; whole run $((SECONDS - started)) s; logs: ${REPORTS#"$root"/}"
if [ "${#failed[@]}" -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
