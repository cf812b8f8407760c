#!/usr/bin/env bash
# bench/sockets-measure.sh N
#
# What an idle connected player costs the node in memory, and how long N players take to get in: starts a Release
# --dev node (pinned to core 0, capacity raised) with its operator listener on a free loopback port, reads its RSS, then
# connects N bots (`mxo-node bots --hello`, standing still, no chat, spread over the four districts, on core 1) and
# waits until the node counts N sessions (`mxo_edge_sessions` on /metrics). Prints the time until all were in and the
# node's RSS growth per player (after a full GC would be lower: this is what the process holds). The bots and the node
# are stopped at the end (trap). Everything listens on and connects to 127.0.0.1 only.
set -euo pipefail

n=${1:?usage: bench/sockets-measure.sh N}
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
sessions() { curl -fsS "$operator/metrics" | awk '$1 == "mxo_edge_sessions" { print int($2) }'; }
sleep 2 # let start-up settle before the baseline (nothing else measured depends on it)
rss0=$(rss_kib)

started=$(date +%s.%N)
per=$(( (n + 3) / 4 ))
i=0
for district in downtown richland westview international; do
  count=$(( n - i * per < per ? n - i * per : per ))
  [ "$count" -gt 0 ] || break
  taskset -c 1 "$node_dir/mxo-node" bots --count "$count" --hello --url "ws://127.0.0.1:$http_port/ws" --district "$district" \
    --move-hz 0 --chat-every 0 --duration 30m --name-prefix "s$i" --watchers 0 >"$work/bots$i.log" 2>&1 &
  bot_pids+=($!)
  i=$((i + 1))
done
for _ in $(seq 1 1200); do
  [ "$(sessions)" -ge "$n" ] && break
  sleep 0.25
done
ended=$(date +%s.%N)
got=$(sessions)
sleep 2 # the entities' first writes (entered) settle
rss1=$(rss_kib)
awk -v n="$n" -v got="$got" -v t0="$started" -v t1="$ended" -v r0="$rss0" -v r1="$rss1" 'BEGIN {
  printf "sockets: %d of %d in after %.1f s\n", got, n, t1 - t0
  printf "node RSS: %.0f MiB before, %.0f MiB with them: %.1f KiB per player\n", r0 / 1024, r1 / 1024, (r1 - r0) / got
}'
