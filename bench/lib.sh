# Shared by the bench/*-measure.sh scripts (sourced, not run): free loopback ports, starting and waiting for a node,
# stopping a process and a whole run, and a process's CPU time. Everything here touches 127.0.0.1 only.

free_port() { # a port nothing on 127.0.0.1 answers on
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

wait_ready() { # url pid log: until GET url/health/ready answers 2xx (60 s); on failure the log's tail, exit 1
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 120); do
    curl -fsS "$url/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "node did not become ready; log:" >&2; tail -20 "$log" >&2; exit 1
}

stop_process() { # pid: SIGTERM, then SIGKILL after 30 s. SIGTERM, not SIGINT: a background job of a non-interactive
  # shell starts with SIGINT ignored, so the node would never see it; SIGTERM stops it as gracefully (README, Stopping).
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cpu_ticks() { # pid: user + system CPU time so far, in clock ticks (getconf CLK_TCK a second)
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# A run's processes: start_dev_node sets node_pid, scripts add their load generators to bot_pids; stop_run (the
# scripts' trap) stops them all and removes the run's directory $work.
node_pid=
bot_pids=()

# The load generators' CPU over a window: bots_cpu_start at its beginning, bots_cpu_since at its end (in clock ticks;
# a bots process that has ended by then counts what it had used by the start).
bots_cpu_start() {
  local pid
  declare -gA bots_cpu0=()
  for pid in "${bot_pids[@]}"; do bots_cpu0[$pid]=$(cpu_ticks "$pid" 2>/dev/null || echo 0); done
}

bots_cpu_since() {
  local pid sum=0
  for pid in "${bot_pids[@]}"; do sum=$(( sum + $(cpu_ticks "$pid" 2>/dev/null || echo "${bots_cpu0[$pid]}") - ${bots_cpu0[$pid]} )); done
  echo "$sum"
}

wait_bots() { # waits for every load generator; returns the last non-zero exit code among them, or 0
  local pid rc=0
  for pid in "${bot_pids[@]}"; do wait "$pid" || rc=$?; done
  return "$rc"
}

start_dev_node() { # node_dir url [options...]: a --dev node on core 0, its SQLite data in $work; waits until ready
  local node_dir=$1 url=$2
  shift 2
  (cd "$work" && exec taskset -c 0 "$node_dir/mxo-node" --dev --edge-url "$url" --port 0 \
    --connection-string "Data Source=$work/mxo.db" "$@" >"$work/node.log" 2>&1) &
  node_pid=$!
  wait_ready "$url" "$node_pid" "$work/node.log"
}

stop_run() {
  local pid kept
  # A node that ended by itself before the run stopped it crashed: keep its log, which the work directory takes along.
  if [ -n "${node_pid:-}" ] && ! kill -0 "$node_pid" 2>/dev/null && [ -f "$work/node.log" ]; then
    kept=$(mktemp /tmp/mxo-node-ended.XXXXXX.log)
    cp "$work/node.log" "$kept"
    echo "the node ended before the run stopped it; its log: $kept" >&2
  fi
  for pid in "${bot_pids[@]}"; do stop_process "$pid"; done
  stop_process "$node_pid"
  rm -rf "$work"
}
