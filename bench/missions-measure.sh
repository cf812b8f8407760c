#!/usr/bin/env bash
# bench/missions-measure.sh [BOTS] [MODE]
#
# Missions under a crowd (issue 13): BOTS players (default 90) on one Release --dev node, spread over the three
# districts whose contacts offer beginners' missions (richland, westview, international: world/missions.json; Downtown's
# want reputation), each bots process playing missions (MODE missions, the default: `bots --missions`) or only walking
# (MODE baseline: the same crowd, the same steps, no mission requests). The node runs on core 0, the bots on core 1.
# After WARMUP (default 30s) it counts, over the rest of DURATION (default 120s): missions accepted, completed and
# failed (the node's mxo_missions_total, scraped at both ends of the window), journal rows written per second, the
# node's CPU and the bots' CPU; then prints the bots' own mission lines (request latency p50/p99, refusals by code).
# Everything listens on and connects to 127.0.0.1 only; the node and bots are always stopped (trap).
set -euo pipefail

bots=${1:-90}
mode=${2:-missions}
case "$mode" in missions|baseline) ;; *) echo "MODE is missions or baseline, not '$mode'" >&2; exit 2 ;; esac
duration=${DURATION:-120s}
warmup=${WARMUP:-30s}
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=${NODE_DIR:-$repo/src/Mxo.Node/bin/Release/net10.0}
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install -y sqlite3)" >&2; exit 2; }

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
http_port=$(free_port)
url=http://127.0.0.1:$http_port
operator=http://127.0.0.1:$(free_port)
work=$(mktemp -d /tmp/mxo-missions.XXXXXX)
trap stop_run EXIT INT TERM

start_dev_node "$node_dir" "$url" --Mxo:Operator:Url="$operator" --Mxo:World:DistrictCapacity=5000

extra=()
[ "$mode" = missions ] && extra=(--missions)
i=0
for district in richland westview international; do
  taskset -c 1 "$node_dir/mxo-node" bots --count "$(( bots / 3 ))" --district "$district" --chat-every 0 --name-prefix "m$i" \
    --hello --url "ws://127.0.0.1:$http_port/ws" --duration "$duration" --warmup "$warmup" "${extra[@]}" \
    >"$work/bots-$district.log" 2>&1 &
  bot_pids+=($!)
  i=$((i + 1))
done

clk=$(getconf CLK_TCK)
missions() { # outcome: the node's mxo_missions_total for it so far
  curl -fsS "$operator/metrics" | awk -v o="outcome=\"$1\"" '$1 ~ /^mxo_missions_total\{/ && index($1, o) { n += $2 } END { print n + 0 }'
}
rows() { sqlite3 "file:$work/mxo.db?mode=ro" "SELECT COUNT(*) FROM journal;" 2>/dev/null || echo 0; }
sleep "${warmup%s}"
cpu0=$(cpu_ticks "$node_pid"); rows0=$(rows); t0=$(date +%s.%N)
acc0=$(missions accepted); done0=$(missions completed); fail0=$(missions failed)
bots_cpu_start
# The bots end by themselves after DURATION; read the node just before, so its figures cover the same window.
sleep "$(( ${duration%s} - ${warmup%s} - 2 ))"
cpu1=$(cpu_ticks "$node_pid"); rows1=$(rows); t1=$(date +%s.%N)
acc1=$(missions accepted); done1=$(missions completed); fail1=$(missions failed)
bots_cpu=$(bots_cpu_since)
rc=0
wait_bots || rc=$?
for log in "$work"/bots-*.log; do
  echo "== $(basename "$log" .log)"
  grep -E "^(bots|missions|mission requests|mission refusals|errors|load generator)" "$log" || tail -20 "$log"
done
awk -v mode="$mode" -v cpu="$((cpu1 - cpu0))" -v bcpu="$bots_cpu" -v clk="$clk" -v t0="$t0" -v t1="$t1" \
  -v r="$((rows1 - rows0))" -v a="$((acc1 - acc0))" -v c="$((done1 - done0))" -v f="$((fail1 - fail0))" \
  'BEGIN { s = t1 - t0; printf "%s window %.1f s: node CPU %.2f s (%.0f%% of its core), bots CPU %.2f s (%.0f%% of their core), missions %d accepted, %d completed (%.2f/s), %d failed, %d journal rows (%.1f/s)\n", mode, s, cpu / clk, 100 * cpu / clk / s, bcpu / clk, 100 * bcpu / clk / s, a, c, c / s, f, r, r / s }'
exit "$rc"
