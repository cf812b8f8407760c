#!/usr/bin/env bash
# bench/echo-measure.sh [extra echo options...]
#
# Edge throughput (issue 10): request/response frames per second through the edge (ping -> pong) against a bare
# Kestrel WebSocket echo, both measured in the same run. Each of RUNS rounds (default 3) starts the bare echo server
# (`Mxo.Bench echo-server`), then a Release --dev node with the frame rate limit raised out of the way, each pinned to
# core 0 and each in turn loaded by `Mxo.Bench echo` on core 1 (CLIENTS clients, default 50, each keeping INFLIGHT
# requests in flight, default 1, for DURATION seconds, default 10, after 3 s of warm-up). Prints each run's frames/s,
# latency p50/p99 and both processes' CPU (utime+stime from /proc/<pid>/stat over the measured seconds), then the
# medians and the ratio edge/bare. Extra options go to both echo runs. NODE_DIR: another node build, for a
# before/after. Everything listens on and connects to 127.0.0.1 only; every server is stopped (trap).
set -euo pipefail

runs=${RUNS:-3}
duration=${DURATION:-10}
clients=${CLIENTS:-50}
inflight=${INFLIGHT:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=${NODE_DIR:-$repo/src/Mxo.Node/bin/Release/net10.0}
bench_dir=$repo/bench/Mxo.Bench/bin/Release/net10.0
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
[ -f "$bench_dir/Mxo.Bench.dll" ] || dotnet build -c Release "$repo/bench/Mxo.Bench" >/dev/null

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
work=$(mktemp -d /tmp/mxo-echo.XXXXXX)
server_pid=
cleanup() {
  stop_process "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
clk=$(getconf CLK_TCK)

# measure TARGET PORT RUN [echo options]: runs the load generator against the server already started ($server_pid), then stops it.
measure() {
  local target=$1 port=$2 run=$3
  shift 3
  set +e
  taskset -c 1 dotnet "$bench_dir/Mxo.Bench.dll" echo --target "$target" --url "ws://127.0.0.1:$port/ws" \
    --clients "$clients" --inflight "$inflight" --duration "$duration" --server-pid "$server_pid" --clk-tck "$clk" "$@" \
    >"$work/$target-$run.out" 2>&1
  local rc=$?
  set -e
  sed 's/^/  /' "$work/$target-$run.out"
  stop_process "$server_pid"
  server_pid=
  [ "$rc" = 0 ] || { echo "echo $target failed (exit $rc)" >&2; exit 1; }
  grep '^result ' "$work/$target-$run.out" | sed "s/^result /run=$run /" >>"$work/results"
}

cd "$work"
for run in $(seq 1 "$runs"); do
  port=$(free_port)
  echo "run $run: bare Kestrel echo"
  # The node's runtime settings (src/Mxo.Node/Mxo.Node.csproj: no quick JIT, no spinning idle workers) for the
  # baseline too, so the ratio compares the edge with Kestrel, not two runtime configurations.
  DOTNET_TC_QuickJit=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 \
  taskset -c 0 dotnet "$bench_dir/Mxo.Bench.dll" echo-server --url "http://127.0.0.1:$port" >"$work/echo-server.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$port" "$server_pid" "$work/echo-server.log"
  measure bare "$port" "$run" "$@"

  port=$(free_port)
  echo "run $run: edge ping -> pong"
  rm -f "$work/mxo.db"*
  taskset -c 0 "$node_dir/mxo-node" --dev --edge-url "http://127.0.0.1:$port" --port 0 \
    --connection-string "Data Source=$work/mxo.db" --Mxo:Operator:Url= \
    --Mxo:Edge:FrameRate:PerSecond=10000000 --Mxo:Edge:FrameRate:Burst=10000000 >"$work/node-$run.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$port" "$server_pid" "$work/node-$run.log"
  measure edge "$port" "$run" "$@"
done

echo
echo "$clients clients x $inflight in flight, ${duration} s measured; server on core 0, load generator on core 1"
awk '
function val(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
{
  t = val("target"); r = val("run"); n[t]++
  fps[t, n[t]] = val("fps"); p50[t, n[t]] = val("p50_us"); p99[t, n[t]] = val("p99_us")
  scpu[t, n[t]] = val("server_cpu"); lcpu[t, n[t]] = val("loadgen_cpu")
  printf "run %s %-4s %8d frames/s  p50 %6d us  p99 %6d us  server CPU %3d%%  load generator CPU %3d%%\n", r, t, fps[t, n[t]], p50[t, n[t]], p99[t, n[t]], scpu[t, n[t]], lcpu[t, n[t]]
}
END {
  split("bare edge", ts, " ")
  for (k = 1; k <= 2; k++) {
    t = ts[k]; m = n[t]
    for (i = 1; i <= m; i++) { a1[i] = fps[t, i]; a2[i] = p50[t, i]; a3[i] = p99[t, i]; a4[i] = scpu[t, i]; a5[i] = lcpu[t, i] }
    med[t] = median(a1, m)
    printf "median %-4s %8d frames/s  p50 %6d us  p99 %6d us  server CPU %3d%%  load generator CPU %3d%%\n", t, med[t], median(a2, m), median(a3, m), median(a4, m), median(a5, m)
  }
  printf "ratio edge/bare (medians): %.2f\n", med["edge"] / med["bare"]
}' "$work/results"
