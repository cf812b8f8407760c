#!/usr/bin/env bash
# bench/flood-measure.sh MODE [extra node args...]
#
# Starts a Release node on a free loopback port with its data in a fresh temp directory, runs
# `Mxo.Bench flood --mode MODE` against it, stops the node, and reports what the flood cost the node: journal rows and
# bytes written, log lines and bytes, node CPU-seconds. The node is pinned to core 0, the flood to core 1.
# MODE: say, interact, moves, frames (on a --dev node) or register (without --dev: per-address limits apply; a random
# JWT signing key is passed through the environment, see README "Running without --dev").
# Environment: DURATION (default 20s), RATE (flood --rate, default unlimited), FLOOD_ARGS (more flood options, e.g.
# "--per-address 10"), KEEP=1 keeps the temp directory.
# Everything listens on and connects to 127.0.0.x only; the node is always stopped (trap).
set -euo pipefail

mode=${1:?usage: bench/flood-measure.sh say|interact|moves|frames|register [extra node args]}
shift
case "$mode" in say|interact|moves|frames|register) ;; *) echo "unknown mode $mode" >&2; exit 2 ;; esac
duration=${DURATION:-20s}

repo=$(cd "$(dirname "$0")/.." && pwd)
node_dir=$repo/src/Mxo.Node/bin/Release/net10.0
bench_dir=$repo/bench/Mxo.Bench/bin/Release/net10.0
[ -x "$node_dir/mxo-node" ] || dotnet build -c Release "$repo/src/Mxo.Node" >/dev/null
[ -f "$bench_dir/Mxo.Bench.dll" ] || dotnet build -c Release "$repo/bench/Mxo.Bench" >/dev/null
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install -y sqlite3)" >&2; exit 2; }

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
http_port=$(free_port)
url=http://127.0.0.1:$http_port
work=$(mktemp -d /tmp/mxo-flood.XXXXXX)
db=$work/mxo.db
log=$work/node.log
node_pid=

cleanup() {
  stop_process "$node_pid"
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT INT TERM

node_args=(--edge-url "$url" --port 0 --connection-string "Data Source=$db" --Mxo:Operator:Url=)
if [ "$mode" = register ]; then
  export MXO__Jwt__SigningKey="$(openssl rand -base64 48)"
else
  node_args+=(--dev)
fi

cd "$work"
taskset -c 0 "$node_dir/mxo-node" "${node_args[@]}" "$@" >"$log" 2>&1 &
node_pid=$!

wait_ready "$url" "$node_pid" "$log"

clk=$(getconf CLK_TCK)
# The journal table appears with the first write (autoInitialize): none yet counts as 0 rows.
journal() { sqlite3 "file:$db?mode=ro" "SELECT COUNT(*) || ' ' || COALESCE(SUM(LENGTH(message)), 0) FROM journal;" 2>/dev/null || echo "0 0"; }

read -r rows0 bytes0 <<<"$(journal)"
lines0=$(wc -l <"$log"); size0=$(wc -c <"$log")
cpu0=$(cpu_ticks "$node_pid")
started=$(date +%s.%N)

flood_args=(flood --mode "$mode" --http "$url" --duration "$duration")
[ "$mode" = register ] || flood_args+=(--url "ws://127.0.0.1:$http_port/ws")
[ -n "${RATE:-}" ] && flood_args+=(--rate "$RATE")
read -r -a extra_flood <<<"${FLOOD_ARGS:-}"
flood_args+=("${extra_flood[@]}")
set +e
taskset -c 1 dotnet "$bench_dir/Mxo.Bench.dll" "${flood_args[@]}" | tee "$work/flood.out"
flood_rc=${PIPESTATUS[0]}
set -e

ended=$(date +%s.%N)
cpu1=$(cpu_ticks "$node_pid")
# SIGTERM, not SIGINT: a background job of a non-interactive shell starts with SIGINT ignored, so the node would
# never see it. SIGTERM stops it just as gracefully (README, Stopping).
kill -TERM "$node_pid"
wait "$node_pid" 2>/dev/null || true
node_pid=

read -r rows1 bytes1 <<<"$(journal)"
lines1=$(wc -l <"$log"); size1=$(wc -c <"$log")
awk -v rows="$((rows1 - rows0))" -v bytes="$((bytes1 - bytes0))" -v lines="$((lines1 - lines0))" \
    -v size="$((size1 - size0))" -v cpu="$((cpu1 - cpu0))" -v clk="$clk" -v t0="$started" -v t1="$ended" '
BEGIN {
  s = t1 - t0; m = s / 60
  printf "node: measured %.1f s (flood start to node stop; journal and log also count the shutdown)\n", s
  printf "node journal: %d rows, %d bytes (%.0f rows/min, %.0f bytes/min)\n", rows, bytes, rows / m, bytes / m
  printf "node log: %d lines, %d bytes (%.0f lines/min, %.0f bytes/min)\n", lines, size, lines / m, size / m
  printf "node CPU: %.2f s during the flood (%.0f%% of one core)\n", cpu / clk, 100 * cpu / clk / s
}'
echo "node log by level/category (top 5):"
tail -n +"$((lines0 + 1))" "$log" | grep -oE '^(info|warn|fail|crit|dbug): [A-Za-z0-9_.]+' | sort | uniq -c | sort -rn | head -5 || true
exit "$flood_rc"
