#!/usr/bin/env bash
# Read connections under load: GETs of the survey page with 64 connections
# (wrk, after a 3 s warm-up) while `perf` counts the server's calls to
# sqlite3_open_v2 (a uprobe; needs root and `perf probe`). With a pool sized
# to the worker threads and read slots, a warm server opens none.
#
#   bench/read-pool.sh [binary] [worker threads]
#
# The binary defaults to this tree's release build; worker threads default
# to tokio's (one per core). More workers than cores stand in for a bigger
# machine: each worker runs lookups, so more of them are in flight at once.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-target/release/spiegel}")
WORKERS=${2:-}
PORT=${PORT:-18439}
DURATION=${DURATION:-10}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
DB="$WORK/survey-bench.db"
EVENT="spiegel_bench_open_$$"

"$BIN" --db "$DB" init --org Bench >/dev/null
"$BIN" --db "$DB" team add Team >/dev/null
ROUND=$("$BIN" --db "$DB" round open --survey psychological-safety --all | tail -n 1)
TOKEN=$("$BIN" --db "$DB" links --round "$ROUND" --team Team --count 1 2>/dev/null | sed 's#.*/##')

perf probe -q -x "$BIN" "$EVENT=sqlite3_open_v2"
env ${WORKERS:+TOKIO_WORKER_THREADS=$WORKERS} "$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" \
    --max-failures 1000000000 >"$WORK/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; perf probe -q -d "probe_spiegel:$EVENT" || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null "$BASE/healthz" && break; sleep 0.1; done

wrk -t2 -c64 -d3s "$BASE/s/$TOKEN" >/dev/null
perf stat -x, -o "$WORK/stat" -e "probe_spiegel:$EVENT" -p "$PID" -- sleep $((DURATION + 1)) &
STAT=$!
sleep 0.5
echo "wrk: GET /s/{token}, 2 threads, 64 connections, ${DURATION}s, worker threads: ${WORKERS:-one per core}"
wrk -t2 -c64 -d"${DURATION}s" --latency "$BASE/s/$TOKEN" | grep -E 'Requests/sec|50%|99%|Non-2xx'
wait $STAT
echo "read connections opened during the run: $(grep "$EVENT" "$WORK/stat" | cut -d, -f1)"
