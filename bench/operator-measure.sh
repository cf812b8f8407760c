#!/usr/bin/env bash
# bench/operator-measure.sh [BOTS]
#
# What operator commands and Prometheus scrapes cost on a node that is serving players: starts a Release --dev node
# (pinned to core 0) with its operator listener on a free loopback port, connects BOTS bots (default 0; `mxo-node bots
# --hello`, walking at 5 Hz in Downtown, on core 1), waits until every bot is in, then runs `Mxo.Bench operator` three
# times (core 1) and prints the node's CPU during each run. Environment: REQUESTS (per case, default 200).
# Everything listens on and connects to 127.0.0.1 only; the node and the bots are always stopped (trap).
set -euo pipefail

bots=${1:-0}
requests=${REQUESTS:-200}
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=$repo/src/Mxo.Node/bin/Release/net10.0
bench_dir=$repo/bench/Mxo.Bench/bin/Release/net10.0
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
[ -f "$bench_dir/Mxo.Bench.dll" ] || dotnet build -c Release "$repo/bench/Mxo.Bench" >/dev/null

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
http_port=$(free_port)
operator_port=$(free_port)
url=http://127.0.0.1:$http_port
operator=http://127.0.0.1:$operator_port
work=$(mktemp -d /tmp/mxo-operator.XXXXXX)
trap stop_run EXIT INT TERM

cd "$work"
start_dev_node "$node_dir" "$url" --Mxo:Operator:Url="$operator" --Mxo:World:DistrictCapacity=5000

sessions() { curl -fsS "$operator/metrics" | awk '$1 == "mxo_edge_sessions" { print int($2) }'; }
if [ "$bots" -gt 0 ]; then
  taskset -c 1 "$node_dir/mxo-node" bots --count "$bots" --hello --url "ws://127.0.0.1:$http_port/ws" \
    --move-hz 5 --chat-every 0 --duration 30m >"$work/bots.log" 2>&1 &
  bot_pids+=($!)
  for _ in $(seq 1 240); do
    [ "$(sessions)" -ge "$bots" ] && break
    kill -0 "${bot_pids[0]}" 2>/dev/null || { tail -20 "$work/bots.log" >&2; exit 1; }
    sleep 0.5
  done
fi
echo "node: $(sessions) sessions open; node on core 0, bots and the bench on core 1"

clk=$(getconf CLK_TCK)
for run in 1 2 3; do
  echo "--- run $run"
  cpu0=$(cpu_ticks "$node_pid"); t0=$(date +%s.%N)
  taskset -c 1 dotnet "$bench_dir/Mxo.Bench.dll" operator --url "$operator" --requests "$requests"
  cpu1=$(cpu_ticks "$node_pid"); t1=$(date +%s.%N)
  awk -v cpu="$((cpu1 - cpu0))" -v clk="$clk" -v t0="$t0" -v t1="$t1" \
    'BEGIN { s = t1 - t0; printf "node CPU: %.2f s in %.1f s (%.0f%% of its core)\n", cpu / clk, s, 100 * cpu / clk / s }'
done
