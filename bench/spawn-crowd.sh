#!/usr/bin/env bash
# bench/spawn-crowd.sh N
#
# N players standing on one spot: a Release --dev node (core 0, district capacity raised) and N bots (`mxo-node bots
# --hello --move-hz 0 --chat-every 0`, core 1) that all enter Downtown at its spawn point and stay there for DURATION
# (default 60s), CONNECT_BATCH (default 50) connecting at once. Everyone is within everyone's interest radius, so
# without a bound on views each `entered` lists everyone before it: past about 800 players that frame is over the
# 64 KiB a client accepts. Prints the bots' report (connected, dropped, frames), the node's CPU over the run and its
# RSS at the end. NODE_DIR runs another build (a before/after). Everything is on 127.0.0.1; the node is always stopped.
set -euo pipefail

n=${1:?usage: bench/spawn-crowd.sh N}
duration=${DURATION:-60s}
batch=${CONNECT_BATCH:-50}
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=${NODE_DIR:-$repo/src/Mxo.Node/bin/Release/net10.0}
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
[ -x "$repo/src/Mxo.Node/bin/Release/net10.0/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"

http_port=$(free_port)
url=http://127.0.0.1:$http_port
work=$(mktemp -d /tmp/mxo-spawn.XXXXXX)
trap stop_run EXIT INT TERM

cd "$work"
start_dev_node "$node_dir" "$url" --Mxo:Operator:Url= --Mxo:World:DistrictCapacity=100000
clk=$(getconf CLK_TCK)
cpu0=$(cpu_ticks "$node_pid"); t0=$(date +%s.%N)
rc=0
taskset -c 1 "$repo/src/Mxo.Node/bin/Release/net10.0/mxo-node" bots --count "$n" --hello --url "ws://127.0.0.1:$http_port/ws" \
  --district downtown --move-hz 0 --chat-every 0 --duration "$duration" --connect-batch "$batch" || rc=$?
cpu1=$(cpu_ticks "$node_pid"); t1=$(date +%s.%N)
awk -v cpu="$((cpu1 - cpu0))" -v clk="$clk" -v t0="$t0" -v t1="$t1" -v rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$node_pid/status")" \
  'BEGIN { s = t1 - t0; printf "node: %.1f CPU-s in %.1f s (%.0f%% of its core), RSS %.0f MiB at the end\n", cpu / clk, s, 100 * cpu / clk / s, rss / 1024 }'
exit "$rc"
