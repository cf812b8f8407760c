#!/usr/bin/env bash
# bench/chat-measure.sh [BOTS] [TALKERS] [extra options for the talkers...]
#
# Chat under a crowd (issue 12): BOTS players (default 1,000) on one Release --dev node, spread over the four districts;
# TALKERS of them (default 100) talk at their rate limit: a nearby line (say) every CHAT_EVERY (default 2.2s, the
# limit is 5 per 10 s), and with it a crew line (--crews: crews of four) and a team line (--teams: teams of three).
# The others walk and listen. The node runs on core 0, the bots on core 1. After WARMUP (default 30s) it counts, over
# the rest of DURATION (default 90s): chat delivery per channel (send → each listener's frame, from the bots' reports),
# the lines persisted per second (journal rows of chat events), the node's CPU and each bots process's CPU.
# TALKERS=0 is the baseline (the same crowd, nobody talking); LISTEN_ARGS adds options for the listeners only.
# Everything listens on and connects to 127.0.0.1 only; the node and bots are always stopped (trap).
set -euo pipefail

bots=${1:-1000}
talkers=${2:-100}
shift $(( $# >= 2 ? 2 : $# ))
duration=${DURATION:-90s}
warmup=${WARMUP:-30s}
chat_every=${CHAT_EVERY:-2.2s}
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=${NODE_DIR:-$repo/src/Mxo.Node/bin/Release/net10.0}
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
[ -x "$repo/src/Mxo.Node/bin/Release/net10.0/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install -y sqlite3)" >&2; exit 2; }

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
http_port=$(free_port)
url=http://127.0.0.1:$http_port
work=$(mktemp -d /tmp/mxo-chat.XXXXXX)
trap stop_run EXIT INT TERM

start_dev_node "$node_dir" "$url" --Mxo:Operator:Url= --Mxo:World:DistrictCapacity=5000

bots_dir=$repo/src/Mxo.Node/bin/Release/net10.0
common=(--hello --url "ws://127.0.0.1:$http_port/ws" --wander 200 --duration "$duration" --warmup "$warmup")
# LISTEN_ARGS: more options for the listeners only, e.g. "--move-hz 0" for a crowd that stands still (chat's own cost).
read -r -a listen_args <<<"${LISTEN_ARGS:-}"
i=0
for district in downtown richland westview international; do
  listeners=$(( (bots - talkers) / 4 )); speakers=$(( talkers / 4 ))
  taskset -c 1 "$bots_dir/mxo-node" bots --count "$listeners" --district "$district" --chat-every 0 --name-prefix "l$i" \
    "${common[@]}" "${listen_args[@]}" >"$work/bots-listen-$district.log" 2>&1 &
  bot_pids+=($!)
  # TALKERS=0 is the baseline: the same crowd, nobody talking.
  if [ "$speakers" -gt 0 ]; then
    taskset -c 1 "$bots_dir/mxo-node" bots --count "$speakers" --district "$district" --chat-every "$chat_every" --crews --teams \
      --name-prefix "t$i" "${common[@]}" "$@" >"$work/bots-talk-$district.log" 2>&1 &
    bot_pids+=($!)
  fi
  i=$((i + 1))
done

clk=$(getconf CLK_TCK)
rows() { sqlite3 "file:$work/mxo.db?mode=ro" "SELECT COUNT(*) FROM journal WHERE manifest LIKE '%chat%' OR manifest LIKE '%said%' OR manifest LIKE '%line%';" 2>/dev/null || echo 0; }
sleep "${warmup%s}"
cpu0=$(cpu_ticks "$node_pid"); rows0=$(rows); t0=$(date +%s.%N)
bots_cpu_start
# The bots end by themselves after DURATION; read the node just before, so its figures cover the same window.
sleep "$(( ${duration%s} - ${warmup%s} - 2 ))"
cpu1=$(cpu_ticks "$node_pid"); rows1=$(rows); t1=$(date +%s.%N)
bots_cpu=$(bots_cpu_since)
rc=0
wait_bots || rc=$?
for log in "$work"/bots-*.log; do echo "== $(basename "$log" .log)"; grep -E "^(bots|chat|chat delivery|crews|teams|errors|load generator)" "$log" || cat "$log"; done
echo "== journal manifests of chat events in the window"
sqlite3 "file:$work/mxo.db?mode=ro" "SELECT manifest, COUNT(*) FROM journal WHERE manifest LIKE '%chat%' OR manifest LIKE '%said%' OR manifest LIKE '%line%' GROUP BY manifest;" || true
awk -v cpu="$((cpu1 - cpu0))" -v bcpu="$bots_cpu" -v clk="$clk" -v t0="$t0" -v t1="$t1" -v r="$((rows1 - rows0))" \
  'BEGIN { s = t1 - t0; printf "window %.1f s: node CPU %.2f s (%.0f%% of its core), bots CPU %.2f s (%.0f%% of their core), %d chat events persisted (%.1f/s)\n", s, cpu / clk, 100 * cpu / clk / s, bcpu / clk, 100 * bcpu / clk / s, r, r / s }'
exit "$rc"
