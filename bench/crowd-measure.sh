#!/usr/bin/env bash
# bench/crowd-measure.sh BOTS [extra bots options...]
#
# A crowd in one district: starts a Release --dev node (pinned to core 0, district capacity raised) with its data in
# a fresh temp directory, runs `mxo-node bots --count BOTS --hello --wander 450 --chat-every 0` on core 1 for
# DURATION (default 30s), then prints the bots' report (move-to-neighbour latency, the district's tick, the load
# generator's CPU) and the node's CPU during the run. Extra options go to the bots command (e.g. --watchers 300).
# Everything listens on and connects to 127.0.0.1 only; the node is always stopped (trap).
set -euo pipefail

bots=${1:?usage: bench/crowd-measure.sh BOTS [extra bots options]}
shift
duration=${DURATION:-30s}
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=${NODE_DIR:-$repo/src/Mxo.Node/bin/Release/net10.0}   # NODE_DIR: another build, for a before/after
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
http_port=$(free_port)
url=http://127.0.0.1:$http_port
work=$(mktemp -d /tmp/mxo-crowd.XXXXXX)
node_pid=
cleanup() {
  stop_process "$node_pid"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

cd "$work"
taskset -c 0 "$node_dir/mxo-node" --dev --edge-url "$url" --port 0 --connection-string "Data Source=$work/mxo.db" \
  --Mxo:Operator:Url= --Mxo:World:DistrictCapacity=5000 >"$work/node.log" 2>&1 &
node_pid=$!
wait_ready "$url" "$node_pid" "$work/node.log"

clk=$(getconf CLK_TCK)
cpu0=$(cpu_ticks "$node_pid"); t0=$(date +%s.%N)
set +e
taskset -c 1 "$node_dir/mxo-node" bots --count "$bots" --hello --url "ws://127.0.0.1:$http_port/ws" --wander 450 \
  --chat-every 0 --duration "$duration" "$@"
rc=$?
set -e
cpu1=$(cpu_ticks "$node_pid"); t1=$(date +%s.%N)
awk -v cpu="$((cpu1 - cpu0))" -v clk="$clk" -v t0="$t0" -v t1="$t1" -v n="$bots" \
  'BEGIN { s = t1 - t0; printf "node CPU: %.2f s in %.1f s (%.0f%% of its core), %.3f CPU-s per player-minute\n", cpu / clk, s, 100 * cpu / clk / s, (cpu / clk) / (n * s / 60) }'
exit "$rc"
