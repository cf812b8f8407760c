#!/usr/bin/env bash
# bench/crowd-measure.sh BOTS [extra bots options...]
#
# A crowd in one district: starts a Release --dev node (pinned to core 0, district capacity raised) with its data in
# a fresh temp directory, runs `mxo-node bots --count BOTS --hello --wander 450 --chat-every 0` on core 1 for
# DURATION (default 90s), then prints the bots' report (move-to-neighbour latency, the district's tick, the load
# generator's CPU) and the node's CPU. Latency and node CPU count only after WARMUP (default 30s: everyone is in). Extra options go to the bots command (e.g. --watchers 300).
# Everything listens on and connects to 127.0.0.1 only; the node is always stopped (trap).
set -euo pipefail

bots=${1:?usage: bench/crowd-measure.sh BOTS [extra bots options]}
shift
duration=${DURATION:-90s}
warmup=${WARMUP:-30s}   # seconds, with an s: latency and node CPU are counted after it
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=${NODE_DIR:-$repo/src/Mxo.Node/bin/Release/net10.0}   # NODE_DIR: another build, for a before/after
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
[ -x "$repo/src/Mxo.Node/bin/Release/net10.0/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
http_port=$(free_port)
url=http://127.0.0.1:$http_port
work=$(mktemp -d /tmp/mxo-crowd.XXXXXX)
trap stop_run EXIT INT TERM

cd "$work"
start_dev_node "$node_dir" "$url" --Mxo:Operator:Url= --Mxo:World:DistrictCapacity=5000

clk=$(getconf CLK_TCK)
# The bots run in the background; the node's CPU is read over the steady state (after the warm-up) only.
# DISTRICTS=4 spreads the crowd over the four districts, one bots process each (a report each).
bots_dir=$repo/src/Mxo.Node/bin/Release/net10.0   # this build's load generator, also against an older NODE_DIR
if [ "${DISTRICTS:-1}" = 4 ]; then
  i=0
  for district in downtown richland westview international; do
    taskset -c 1 "$bots_dir/mxo-node" bots --count "$((bots / 4))" --hello --url "ws://127.0.0.1:$http_port/ws" \
      --district "$district" --wander 450 --chat-every 0 --duration "$duration" --warmup "$warmup" --name-prefix "c$i" "$@" \
      >"$work/bots-$district.log" 2>&1 &
    bot_pids+=($!)
    i=$((i + 1))
  done
else
  taskset -c 1 "$bots_dir/mxo-node" bots --count "$bots" --hello --url "ws://127.0.0.1:$http_port/ws" --wander 450 \
    --chat-every 0 --duration "$duration" --warmup "$warmup" "$@" &
  bot_pids+=($!)
fi
sleep "${warmup%s}"
cpu0=$(cpu_ticks "$node_pid"); t0=$(date +%s.%N)
rc=0
wait_bots || rc=$?
for log in "$work"/bots-*.log; do [ -e "$log" ] && { echo "== $(basename "$log" .log)"; cat "$log"; }; done
cpu1=$(cpu_ticks "$node_pid"); t1=$(date +%s.%N)
awk -v cpu="$((cpu1 - cpu0))" -v clk="$clk" -v t0="$t0" -v t1="$t1" -v n="$bots" \
  'BEGIN { s = t1 - t0; printf "node CPU after the warm-up: %.2f s in %.1f s (%.0f%% of its core), %.3f CPU-s per player-minute\n", cpu / clk, s, 100 * cpu / clk / s, (cpu / clk) / (n * s / 60) }'
exit "$rc"
