#!/usr/bin/env bash
# bench/sockets-measure.sh N
#
# What an idle connected player costs the node in memory, and how long N players take to get in: starts a Release
# --dev node (pinned to core 0, capacity raised) with its operator listener on a free loopback port, reads its RSS, then
# connects N bots (`mxo-node bots --hello`, standing still, no chat, spread over the four districts, on core 1) and
# waits until the node counts N players in districts (`mxo_district_players` on /metrics). Prints the time until all
# were in and the node's RSS growth per player (after a full GC would be lower: this is what the process holds).
# Then the reconnect storm (an edge restart as the node sees it): the bot processes are killed (-9: every socket drops
# at once), and when the node counts no player in a district, the same players (same names) connect again all at once
# and the time until all are back in districts is printed. The bots and the node are stopped at the end (trap).
# Everything listens on and connects to 127.0.0.1 only.
#
# CONNECT_BATCH (default 500): bots connecting at once in each of the four bot processes on the first connect;
# the storm connects every bot at once. STORM=0 skips the storm. The bots retry a connect that fails (--retry-connect:
# backoff with jitter, as clients do), so the figure is when the node has let every one of them in.
set -euo pipefail

n=${1:?usage: bench/sockets-measure.sh N}
batch=${CONNECT_BATCH:-500}
storm=${STORM:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=${NODE_DIR:-$repo/src/Mxo.Node/bin/Release/net10.0}
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"

http_port=$(free_port)
operator_port=$(free_port)
url=http://127.0.0.1:$http_port
operator=http://127.0.0.1:$operator_port
work=$(mktemp -d /tmp/mxo-sockets.XXXXXX)
trap stop_run EXIT INT TERM

cd "$work"
start_dev_node "$node_dir" "$url" --Mxo:Operator:Url="$operator" --Mxo:World:DistrictCapacity=100000

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$node_pid/status"; }
metric_sum() { curl -fsS "$operator/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { print int(s) }'; }
in_districts() { metric_sum mxo_district_players; }
run_tag=r$RANDOM # the same names on both connects (1-8 letters or digits)
sleep 2 # let start-up settle before the baseline (nothing else measured depends on it)
rss0=$(rss_kib)

per=$(( (n + 3) / 4 ))
start_bots() { # connect-batch: the four bot processes (same names each time), one quarter of the players each
  local i=0 district count
  bot_pids=()
  for district in downtown richland westview international; do
    count=$(( n - i * per < per ? n - i * per : per ))
    [ "$count" -gt 0 ] || break
    taskset -c 1 "$node_dir/mxo-node" bots --count "$count" --hello --url "ws://127.0.0.1:$http_port/ws" --district "$district" \
      --move-hz 0 --chat-every 0 --duration 30m --name-prefix "s$i" --run-tag "$run_tag" --watchers 0 \
      --connect-batch "$(( $1 < count ? $1 : count ))" --retry-connect >>"$work/bots$i.log" 2>&1 &
    bot_pids+=($!)
    i=$((i + 1))
  done
}
wait_in() { # target: until the districts hold this many players (5 minutes at most); prints the seconds it took
  local t0 t1 _
  t0=$(date +%s.%N)
  for _ in $(seq 1 1200); do
    [ "$(in_districts)" -eq "$1" ] && break
    sleep 0.25
  done
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

start_bots "$batch"
took=$(wait_in "$n")
got=$(in_districts)
sleep 2 # the entities' first writes (entered) settle
rss1=$(rss_kib)
awk -v n="$n" -v got="$got" -v t="$took" -v r0="$rss0" -v r1="$rss1" -v b="$batch" 'BEGIN {
  printf "sockets: %d of %d in districts after %.1f s (bots connecting %d at a time per process, 4 processes)\n", got, n, t, b
  printf "node RSS: %.0f MiB before, %.0f MiB with them: %.1f KiB per player\n", r0 / 1024, r1 / 1024, (r1 - r0) / got
}'
[ "$storm" = 1 ] || exit 0

for pid in "${bot_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
gone=$(wait_in 0)
echo "storm: all $n sockets dropped at once (bots killed); the districts were empty after $gone s"
start_bots "$n"
took=$(wait_in "$n")
echo "storm: $(in_districts) of $n back in districts after $took s (every bot connecting at once)"
