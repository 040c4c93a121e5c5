# shellcheck shell=bash
# Functions the tests/*/run.sh runners share. Source it from bash:
#   . "$root/tests/lib/runner.sh"
# Each function takes a LABEL that starts its messages (the suite's name).

# idp_start LABEL LOG SECONDS START [ARGS…]: starts idp on a free loopback
# port and waits (at most SECONDS) until it has said that it listens
# there (its banner in LOG: so the port is idp's, not another server's) and
# answers /healthz.
#
# START is the caller's function: `START PORT ARGS…` must exec `idp serve`
# bound to 127.0.0.1:PORT with whatever else the suite sets. It runs in the
# background with stdout and stderr appended to LOG, so $! is idp itself.
# Sets server_pid, server_port and server_url (http://127.0.0.1:PORT); the
# caller stops the server (server_pid is set as soon as it is started, so an
# EXIT trap can stop it even during the wait).
#
# idp must bind the port itself (it takes no listener from us), and any port
# picked beforehand can be taken by another process before idp binds it. So
# when idp exits saying that the port is in use ("cannot listen on
# 127.0.0.1:PORT: Address already in use", from startup.rs through cli.rs),
# it is started again on another port, at most 5 times; a stolen port never
# fails a suite. Any other end of the server fails at once (the caller shows
# the log).
idp_start() {
  local label=$1 log=$2 seconds=$3 start=$4 attempt status deadline
  shift 4
  for attempt in 1 2 3 4 5; do
    server_port=$(idp_pick_port)
    server_url="http://127.0.0.1:$server_port"
    "$start" "$server_port" "$@" >>"$log" 2>&1 &
    server_pid=$!
    deadline=$((SECONDS + seconds))
    until grep -qF "idp is listening on $server_url (" "$log" &&
      curl -fsS -o /dev/null --max-time 2 "$server_url/healthz" 2>/dev/null; do
      if ! kill -0 "$server_pid" 2>/dev/null; then
        status=0
        wait "$server_pid" || status=$?
        server_pid=""
        if grep -qF "cannot listen on 127.0.0.1:$server_port: Address already in use" "$log"; then
          echo "$label: port $server_port was taken before idp bound it; starting again on another (try $attempt of 5)" >&2
          continue 2
        fi
        echo "$label: idp exited during start-up (status $status); see its log" >&2
        return 1
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "$label: no answer from $server_url/healthz after $seconds s; see its log" >&2
        return 1
      fi
      sleep 0.1
    done
    return 0
  done
  echo "$label: every port tried was taken before idp could bind it" >&2
  return 1
}

# idp_stop PID: ends a background process (SIGTERM, 5 s to finish, then
# SIGKILL) and reaps it. An empty PID does nothing.
idp_stop() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# idp_pick_port: a random loopback port for a server, below the kernel's
# ephemeral range (from which the kernel hands out ports of its own, to
# port-0 binds and outgoing connections), so those cannot collide with it.
# Whether it is free shows only when the server binds it: see idp_start.
idp_pick_port() {
  local low=32768 _high
  read -r low _high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  [ "$low" -gt 20000 ] 2>/dev/null || low=32768
  echo $((10000 + (RANDOM * 32768 + RANDOM) % (low - 10000)))
}

# npm_ci_locked LABEL DIR: makes DIR/node_modules hold exactly what
# DIR/package-lock.json locks. npm ci alone installs (from the lock, each
# package checked against its integrity hash; it refuses a lock that does not
# match package.json), without install scripts, so nothing is fetched beyond
# the locked packages. Skipped when node_modules already holds every locked
# package at its locked version.
npm_ci_locked() {
  local label=$1 dir=$2
  if (cd "$dir" && node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    for (const [path, meta] of Object.entries(lock.packages)) {
      if (!path) continue;
      let installed;
      try { installed = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version; } catch { process.exit(1); }
      if (installed !== meta.version) process.exit(1);
    }' 2>/dev/null); then
    return 0
  fi
  echo "$label: npm ci" >&2
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}
