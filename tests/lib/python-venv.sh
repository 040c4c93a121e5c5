# shellcheck shell=bash
# Python packages for a suite, from a lock with hashes. Source it from bash:
#   . "$root/tests/lib/python-venv.sh"
#   locked_venv LABEL LOCK VENV
#
# pip and venv see only what is said here: none of this machine's PIP_*
# variables (PIP_FIND_LINKS, an index or a certificate of its own), no
# pip.conf (PIP_CONFIG_FILE=/dev/null) and no PYTHON* variable (-I), so a
# fresh machine installs the same bytes. Every package comes from the lock
# with its hash (--require-hashes), nothing else (--no-deps), and only as a
# wheel, so no build step fetches tools of its own; `pip check` then proves
# the lock is complete for this Python. The venv remembers the lock it was
# built from; any change builds it anew.

# clean_env CMD…: CMD without this machine's pip settings.
clean_env() {
  local unset=() var
  for var in $(compgen -e); do
    case $var in PIP_*) unset+=(-u "$var") ;; esac
  done
  env "${unset[@]}" PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 "$@"
}

locked_venv() {
  local label=$1 lock=$2 venv=$3 python lock_hash
  python=$(command -v python3.11 || command -v python3 || true)
  [ -n "$python" ] || { echo "$label: python3 is needed" >&2; return 2; }
  lock_hash=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ "$(cat "$venv/.lock-sha256" 2>/dev/null || true)" != "$lock_hash" ] ||
    ! "$venv/bin/python" -I -c '' 2>/dev/null; then
    echo "$label: installing the locked Python packages (${lock#"$root"/}) into ${venv#"$root"/}" >&2
    rm -rf "$venv"
    clean_env "$python" -I -m venv "$venv"
    clean_env "$venv/bin/python" -I -m pip install --require-hashes --no-deps --only-binary=:all: \
      --quiet --no-input -r "$lock"
    clean_env "$venv/bin/python" -I -m pip check >/dev/null
    echo "$lock_hash" >"$venv/.lock-sha256"
  fi
}
