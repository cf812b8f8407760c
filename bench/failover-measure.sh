#!/usr/bin/env bash
# bench/failover-measure.sh [N]
#
# A world node killed with SIGKILL under N connected players (default 300): a throwaway PostgreSQL (the machine's
# server binaries, run as the postgres user, on a free loopback port), two world nodes and one --dev edge node (Release
# build, the shipped hocon/akka.conf), N bots walking and chatting in the four districts through the edge. After the
# warm-up the world node that is not the seed is killed with -9. Prints the timeline seen from the surviving world node's
# operator listener (unreachable, removed), the bots' report (how many got "resynced", the last one's time), and the
# journal check: every chat line the bots saw acknowledged is in the journal (it may hold more: a line whose ack was lost
# with the node is not retried by the bots). Everything listens on and connects to 127.0.0.1 only; every process and
# the database are stopped at the end (trap).
#
# WARMUP (default 20s): from the bots' start to the kill. DURATION (default 60s): the bots' run. KEEP_LOGS=DIR keeps the
# nodes' and bots' logs there.
# The soak: SOAK=1 runs the bots for 10 minutes and kills world2 every 2 minutes (KILLS=4, EVERY=120 seconds), starting
# it again (same address) once the cluster has removed it; each kill prints its timeline, the end the same totals.
# The journal outage: OUTAGE=SECONDS kills no node; after the warm-up it stops PostgreSQL (fast shutdown) for that long
# and starts it again, printing when the first world node's /health/ready turned 503 and back to 200; the bots' errors
# by code show what the players were told meanwhile.
# The edge node: EDGE_KILL=1 starts a second edge node, gives the bots its address to reconnect to
# (--reconnect-url), and after the warm-up kills the first edge node with -9 instead of world2; it prints when the last
# bot was back in its district (through the second edge) after the kill.
set -euo pipefail

n=${1:-300}
if [ "${SOAK:-0}" = 1 ]; then
  warmup=${WARMUP:-60}; duration=${DURATION:-10m}; kills=${KILLS:-4}; every=${EVERY:-120}
else
  warmup=${WARMUP:-20}; duration=${DURATION:-60s}; kills=${KILLS:-1}; every=${EVERY:-0}
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=${NODE_DIR:-$repo/src/Mxo.Node/bin/Release/net10.0}
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

work=$(mktemp -d /tmp/mxo-failover.XXXXXX)
chmod 755 "$work"
node_pids=()
pg_port=$(free_port)
stop_all() {
  local pid
  for pid in "${bot_pids[@]}" "${node_pids[@]}"; do stop_process "$pid"; done
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  if [ -n "${KEEP_LOGS:-}" ]; then # a directory to keep the nodes' and bots' logs in
    mkdir -p "$KEEP_LOGS" && for d in world1 world2 edge edge2; do cp "$work/$d/node.log" "$KEEP_LOGS/$d.log" 2>/dev/null || true; done
    cp "$work"/bots*.log "$KEEP_LOGS/" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_all EXIT INT TERM

mkdir "$work/pg" && chown postgres "$work/pg"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null
runuser -u postgres -- "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" mxo
db="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=mxo"

# Kept logs carry timestamps, and a restarted world2 appends to its log.
log_args=()
[ -n "${KEEP_LOGS:-}" ] && log_args=("--Logging:Console:TimestampFormat=HH:mm:ss.fff ")
start_node() { # name args...: a node in its own directory, its log there; sets last_pid
  local name=$1
  shift
  mkdir -p "$work/$name"
  (cd "$work/$name" && exec "$node_dir/mxo-node" "$@" "${log_args[@]}" >>"$work/$name/node.log" 2>&1) &
  last_pid=$!
  node_pids+=("$last_pid")
}

w1_port=$(free_port); w2_port=$(free_port); e_port=$(free_port)
operator=127.0.0.1:$(free_port)
seed=akka.tcp://mxo@127.0.0.1:$w1_port
journal=(--persistence postgresql --connection-string "$db")
w1_http=http://127.0.0.1:$(free_port)
start_node world1 --roles world "${journal[@]}" --port "$w1_port" --edge-url "$w1_http" \
  --Mxo:Operator:Url="http://$operator" --Mxo:World:DistrictCapacity=100000
start_world2() {
  start_node world2 --roles world "${journal[@]}" --port "$w2_port" --edge-url "http://127.0.0.1:$(free_port)" --seeds "$seed" \
    --Mxo:Operator:Url=
  w2_pid=$last_pid
}
start_world2
edge_url=http://127.0.0.1:$(free_port)
start_node edge --dev --roles edge --port "$e_port" --edge-url "$edge_url" --seeds "$seed" --Mxo:Operator:Url=
edge_pid=$last_pid
wait_ready "$edge_url" "$last_pid" "$work/edge/node.log"
reconnect=()
if [ "${EDGE_KILL:-0}" = 1 ]; then
  edge2_url=http://127.0.0.1:$(free_port)
  start_node edge2 --dev --roles edge --port "$(free_port)" --edge-url "$edge2_url" --seeds "$seed" --Mxo:Operator:Url=
  wait_ready "$edge2_url" "$last_pid" "$work/edge2/node.log"
  reconnect=(--reconnect-url "${edge2_url/http/ws}/ws")
fi
w2=akka.tcp://mxo@127.0.0.1:$w2_port
pbm() { "$node_dir/mxo-node" pbm "$operator" "$@" 2>&1; }
for _ in $(seq 1 120); do
  [ "$(pbm cluster show | grep -c '| Up | Reachable')" -eq 3 ] && break
  sleep 0.5
done

now_ms() { date +%s%3N; }
per=$(( (n + 3) / 4 ))
i=0
for district in downtown richland westview international; do
  count=$(( n - i * per < per ? n - i * per : per ))
  [ "$count" -gt 0 ] || break
  taskset -c 1 "$node_dir/mxo-node" bots --count "$count" --hello --url "${edge_url/http/ws}/ws" --district "$district" "${reconnect[@]}" \
    --wander 200 --chat-every 5s --duration "$duration" --ramp 5s --name-prefix "f$i" --watchers 0 >"$work/bots$i.log" 2>&1 &
  bot_pids+=($!)
  i=$((i + 1))
done

kill_world2() { # kills world2, prints when the survivors saw it unreachable and removed; sets killed (ms)
  if ! kill -0 "$w2_pid" 2>/dev/null; then
    wait "$w2_pid" 2>/dev/null && code=0 || code=$?
    echo "world2 was not running any more (exit code $code; 3 means the cluster downed it): not killed this time"
    return 0
  fi
  kill -KILL "$w2_pid"
  killed=$(now_ms)
  wait "$w2_pid" 2>/dev/null || true # reaped here, so the shell does not report the kill
  echo "killed world2 ($w2) at $(date -u -d @"${killed:0:10}" +%H:%M:%S).${killed:10:3} UTC"
  local unreachable= removed= members _
  for _ in $(seq 1 240); do
    members=$(pbm cluster show)
    [ -z "$unreachable" ] && grep -q "$w2 .*Unreachable" <<<"$members" && unreachable=$(now_ms)
    if ! grep -q "$w2" <<<"$members"; then removed=$(now_ms); break; fi
    sleep 0.1
  done
  awk -v k="$killed" -v u="${unreachable:-0}" -v r="${removed:-0}" 'BEGIN {
    printf "timeline: unreachable after %s, removed after %s\n", (u > 0 ? sprintf("%.1f s", (u - k) / 1000) : "never seen"), (r > 0 ? sprintf("%.1f s", (r - k) / 1000) : "never")
  }'
}

ready_status() { curl -s -o /dev/null -w '%{http_code}' "$w1_http/health/ready" || true; }
outage() { # stops the database for $1 seconds; prints world1's readiness timeline; sets killed (ms) to the stop
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null
  killed=$(now_ms)
  echo "stopped PostgreSQL at $(date -u -d @"${killed:0:10}" +%H:%M:%S).${killed:10:3} UTC for $1 s"
  local not_ready= started ready= _
  for _ in $(seq 1 "$(( $1 * 10 ))"); do
    [ -z "$not_ready" ] && [ "$(ready_status)" = 503 ] && not_ready=$(now_ms)
    sleep 0.1
  done
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null
  started=$(now_ms)
  for _ in $(seq 1 600); do
    [ "$(ready_status)" = 200 ] && { ready=$(now_ms); break; }
    sleep 0.1
  done
  awk -v k="$killed" -v n="${not_ready:-0}" -v s="$started" -v r="${ready:-0}" 'BEGIN {
    printf "timeline: not ready after %s; database back after %.1f s; ready again %s after that\n", (n > 0 ? sprintf("%.1f s", (n - k) / 1000) : "never"), (s - k) / 1000, (r > 0 ? sprintf("%.1f s", (r - s) / 1000) : "never")
  }'
}

sleep "$warmup" # the bots are in and walking (the warm-up is part of the measurement's definition, not a synchronisation)
if [ -n "${OUTAGE:-}" ]; then
  outage "$OUTAGE"
  kills=1
elif [ "${EDGE_KILL:-0}" = 1 ]; then
  kill -KILL "$edge_pid"
  killed=$(now_ms)
  wait "$edge_pid" 2>/dev/null || true
  echo "killed the edge node the bots were on at $(date -u -d @"${killed:0:10}" +%H:%M:%S).${killed:10:3} UTC"
  kills=1
else
  kill_world2
fi
for k in $(seq 2 "$kills"); do
  start_world2 # the same address again: a new incarnation joins once the old one is removed
  sleep "$every"
  kill_world2
done

for pid in "${bot_pids[@]}"; do wait "$pid" || true; done
bot_pids=()
acked=0
resynced=0
last=0
for f in "$work"/bots*.log; do
  a=$(awk '/^chat:/ { print $4 }' "$f"); acked=$((acked + ${a:-0}))
  if line=$(grep '^resynced:' "$f"); then
    resynced=$((resynced + $(awk '{ print $2 }' <<<"$line")))
    t=$(sed -E 's/.* at ([0-9:.]+) UTC/\1/' <<<"$line")
    ms=$(date -u -d "$(date -u -d @"${killed:0:10}" +%F) $t" +%s%3N)
    [ "$ms" -gt "$last" ] && last=$ms
  fi
done
grep -h "^bots:\|^errors:\|^chat:\|^disconnects:\|^drops:\|^reconnected:" "$work"/bots*.log | sed 's/^/  /'
if [ "${EDGE_KILL:-0}" = 1 ]; then
  back=0; bots_back=0
  for f in "$work"/bots*.log; do
    line=$(grep '^reconnected:' "$f") || continue
    bots_back=$((bots_back + $(awk '{ print $2 }' <<<"$line")))
    t=$(sed -E 's/.*\(at ([0-9:.]+) UTC\).*/\1/' <<<"$line")
    ms=$(date -u -d "$(date -u -d @"${killed:0:10}" +%F) $t" +%s%3N)
    [ "$ms" -gt "$back" ] && back=$ms
  done
  awk -v k="$killed" -v b="$back" -v n="$bots_back" 'BEGIN { if (b > 0) printf "reconnected: %d bots through the second edge node, the last back in its district %.1f s after the kill\n", n, (b - k) / 1000; else print "reconnected: no bot" }'
fi
if [ "$last" -gt 0 ]; then
  awk -v k="$killed" -v l="$last" -v r="$resynced" 'BEGIN { printf "resynced: %d players, the last %.1f s after the kill\n", r, (l - k) / 1000 }'
else
  echo "resynced: no player"
fi
journal_lines=$(runuser -u postgres -- "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -d mxo -tAc "SELECT count(*) FROM journal WHERE manifest = 'de.chat'")
echo "chat: $acked lines acknowledged to the bots, $journal_lines in the journal ($([ "$journal_lines" -ge "$acked" ] && echo "none lost" || echo "LOST $((acked - journal_lines))"))"
