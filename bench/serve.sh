#!/usr/bin/env bash
# Serves the benchmark database and measures the JSON API over HTTP: single
# request latencies (curl), throughput (wrk, when installed) and the server's
# resident memory (VmRSS / VmHWM from /proc) before, during and after.
#
#   cargo bench --bench results   # generates target/bench/spiegel-1m.db once
#   bench/serve.sh
#
# Environment: SPIEGEL_BENCH_DB (database), PORT (default 18437),
# DURATION (wrk seconds per run, default 10), CONNECTIONS (default 16).
set -euo pipefail

cd "$(dirname "$0")/.."
DB=${SPIEGEL_BENCH_DB:-target/bench/spiegel-1m.db}
PORT=${PORT:-18437}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
BASE="http://127.0.0.1:$PORT"
TEAM=team-01-1
DEPT=department-01

if [ ! -f "$DB" ]; then
    echo "no benchmark database at $DB; run \`cargo bench --bench results\` first" >&2
    exit 1
fi

cargo build --release --quiet
BIN=target/release/spiegel

key() { "$BIN" --db "$DB" key "$@" | tail -n 1 | sed 's#.*/##'; }
ADVISOR=$(key advisor --label "bench/serve.sh")
MANAGER=$(key manager --team "$TEAM" --label "bench/serve.sh")

LOG=$(mktemp)
"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$LOG" 2>&1 &
PID=$!
SAMPLER=
cleanup() {
    [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    rm -f "$LOG" "${PEAKS:-}"
}
trap cleanup EXIT

for _ in $(seq 100); do
    curl -fs -o /dev/null "$BASE/api/v1/openapi.json" && break
    sleep 0.1
done
curl -fs -o /dev/null "$BASE/api/v1/openapi.json" || { cat "$LOG" >&2; exit 1; }

kb() { awk -v f="$1" '$1 == f":" { print $2 }' "/proc/$PID/status"; }
mem() { printf '%-34s VmRSS %6s kB   VmHWM %6s kB   threads %s\n' "$1" "$(kb VmRSS)" "$(kb VmHWM)" "$(kb Threads)"; }

echo "server pid $PID on $BASE, database $DB ($(du -h "$DB" | cut -f1))"
echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }')"
echo
mem "memory, idle after start:"

# Single requests, one after the other: the first (fresh reader
# connection), then min / median / max of the next 30.
single() {
    local name=$1 key=$2 path=$3 first times
    first=$(curl -fs -o /dev/null -w '%{time_total} %{size_download}' \
        -H "Authorization: Bearer $key" "$BASE$path")
    times=$(for _ in $(seq 30); do
        curl -fs -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $key" "$BASE$path"
    done | sort -n)
    printf '| %-32s | %8.2f | %8.2f | %8.2f | %8.2f | %7.1f | %9s | %9s |\n' "$name" \
        "$(echo "$first" | awk '{ print $1 * 1000 }')" \
        "$(echo "$times" | head -n 1 | awk '{ print $1 * 1000 }')" \
        "$(echo "$times" | sed -n 15p | awk '{ print $1 * 1000 }')" \
        "$(echo "$times" | tail -n 1 | awk '{ print $1 * 1000 }')" \
        "$(echo "$first" | awk '{ print $2 / 1024 }')" "$(kb VmRSS)" "$(kb VmHWM)"
}

echo
echo "Single requests with curl, one at a time: the first, then 30 more (ms, total"
echo "time incl. connect); KB of JSON; the server's VmRSS and VmHWM (kB) afterwards:"
echo
echo "| request                          |    first |      min |   median |      max |      KB |     VmRSS |     VmHWM |"
echo "|----------------------------------|----------|----------|----------|----------|---------|-----------|-----------|"
single "trend, manager, $TEAM" "$MANAGER" "/api/v1/teams/$TEAM/trend"
single "trend, advisor, $DEPT" "$ADVISOR" "/api/v1/teams/$DEPT/trend"
single "team-round, manager, round 26" "$MANAGER" "/api/v1/teams/$TEAM/rounds/26"
single "overview, advisor" "$ADVISOR" "/api/v1/overview"
echo
mem "memory, after single requests:"

if command -v wrk >/dev/null; then
    PEAKS=$(mktemp)
    (while kill -0 "$PID" 2>/dev/null; do kb VmRSS >>"$PEAKS"; sleep 0.1; done) &
    SAMPLER=$!
    run() {
        local name=$1 key=$2 path=$3 conns=$4
        echo
        echo "wrk: $name, $conns connections, ${DURATION}s (wrk shares the 2 cores with the server)"
        : >"$PEAKS"
        wrk -t2 -c"$conns" -d"${DURATION}s" --latency -H "Authorization: Bearer $key" "$BASE$path" |
            grep -E 'Latency|Req/Sec|requests in|Requests/sec|Transfer/sec| (50|90|99)%|Non-2xx'
        echo "  peak VmRSS during the run: $(sort -n "$PEAKS" | tail -n 1) kB"
        sleep 1
    }
    run "trend, manager" "$MANAGER" "/api/v1/teams/$TEAM/trend" 2
    mem "memory, after it:"
    run "trend, manager" "$MANAGER" "/api/v1/teams/$TEAM/trend" "$CONNECTIONS"
    mem "memory, after it:"
    run "overview, advisor" "$ADVISOR" "/api/v1/overview" 4
    kill "$SAMPLER" 2>/dev/null || true
    SAMPLER=
    echo
else
    echo
    echo "wrk is not installed (apt-get install -y wrk); skipping the load runs"
    echo
fi

sleep 1
mem "memory, after the runs:"
echo "peak resident memory (VmHWM): $(kb VmHWM) kB (target: under 30 MB = 30720 kB)"
