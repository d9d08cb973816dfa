#!/usr/bin/env bash
# The employee side under load: GETs of the survey page and durable
# submissions (group commit), with the server's memory. Needs wrk
# (`apt-get install -y wrk`).
#
#   bench/survey.sh
#
# Environment: PORT (default 18438), DURATION (seconds per run, default 10),
# RATE_TOKENS (links to create for the submission run, default 120000),
# GET_CONNECTIONS (wrk connections of the GET runs, default "32 64"),
# SPIEGEL_BIN (a server binary to measure instead of building this tree's),
# TOKIO_WORKER_THREADS (the server's async threads; default one per core).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18438}
DURATION=${DURATION:-10}
RATE_TOKENS=${RATE_TOKENS:-120000}
GET_CONNECTIONS=${GET_CONNECTIONS:-32 64}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
DB="$WORK/survey-bench.db"

if [ -n "${SPIEGEL_BIN:-}" ]; then
    BIN=$SPIEGEL_BIN
else
    cargo build --release --quiet
    BIN=target/release/spiegel
fi
"$BIN" --db "$DB" init --org Bench >/dev/null
"$BIN" --db "$DB" team add Team >/dev/null
ROUND=$("$BIN" --db "$DB" round open --survey psychological-safety --all | tail -n 1)
"$BIN" --db "$DB" links --round "$ROUND" --team Team --count 1 | sed 's#.*/##' >"$WORK/get.txt"
: >"$WORK/tokens.txt"
for _ in $(seq $((RATE_TOKENS / 10000))); do
    "$BIN" --db "$DB" links --round "$ROUND" --team Team --count 10000 | sed 's#.*/##' >>"$WORK/tokens.txt"
done

"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" --max-failures 1000000000 >"$WORK/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null "$BASE/healthz" && break; sleep 0.1; done
rss() { grep -E 'VmRSS|VmHWM' /proc/$PID/status | tr -s ' ' | tr '\n' ' '; echo; }

GET_TOKEN=$(cat "$WORK/get.txt")
PAGE=$(curl -s -o /dev/null -w '%{size_download}' "$BASE/s/$GET_TOKEN")
CSS_PATH=$(curl -s "$BASE/s/$GET_TOKEN" | grep -o '/static/style\.[0-9a-f]*\.css')
CSS=$(curl -s -o /dev/null -w '%{size_download}' "$BASE$CSS_PATH")
echo "survey page: $PAGE bytes HTML + $CSS bytes CSS = $((PAGE + CSS)) bytes (target < 15360)"
echo "memory at start: $(rss)"

for c in $GET_CONNECTIONS; do
    echo
    echo "wrk: GET /s/{token}, $((c < 2 ? c : 2)) threads, $c connections, ${DURATION}s (wrk shares the 2 cores)"
    wrk -t"$((c < 2 ? c : 2))" -c"$c" -d"${DURATION}s" --latency "$BASE/s/$GET_TOKEN" | grep -E 'Latency|Requests/sec|50%|99%|Non-2xx'
    echo "memory: $(rss)"
done

echo
echo "wrk: POST /s/{token}, first-time submissions, 2 threads, 64 connections, ${DURATION}s"
TOKENS="$WORK/tokens.txt" THREADS=2 wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/submit.lua "$BASE" \
    | grep -E 'Latency|Requests/sec|50%|99%|Non-2xx'
echo "memory: $(rss)"
if command -v sqlite3 >/dev/null; then
    echo "stored responses: $(sqlite3 "$DB" 'select count(*) from responses'), spent links: $(sqlite3 "$DB" 'select count(*) from invites where used = 1')"
fi
echo
echo "peak memory: $(grep VmHWM /proc/$PID/status)"
