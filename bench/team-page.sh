#!/usr/bin/env bash
# The manager's team page with its charts over HTTP: a release server on a
# fresh demo database, the manager's session (the reflection step skipped
# once, as a manager would), then wrk at 8 and 32 connections on
# GET /team/verpleging-noord, and the server's peak resident memory.
#
#   cargo build --release
#   bench/team-page.sh            # needs curl and wrk
#
# Environment: PORT (default 18438), DURATION (wrk seconds, default 10).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${SPIEGEL_BIN:-target/release/spiegel}
PORT=${PORT:-18438}
DURATION=${DURATION:-10}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
"$BIN" demo --db "$WORK/demo.db" --addr "127.0.0.1:$PORT" >"$WORK/demo.out" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done

KEY=$(grep -o "/m/[A-Za-z0-9_-]*" "$WORK/demo.out" | head -1 | cut -d/ -f3)
COOKIE=$(curl -s -D - -o /dev/null "$BASE/m/$KEY" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')
PAGE=/team/verpleging-noord
curl -s -H "Cookie: $COOKIE" -o "$WORK/step.html" "$BASE$PAGE"
TOKEN=$(grep -o 'name="form_token" value="[0-9a-f]*"' "$WORK/step.html" | head -1 | sed 's/.*value="//; s/"//')
ACTION=$(grep -o '<form[^>]*action="[^"]*"' "$WORK/step.html" | head -1 | sed 's/.*action="//; s/"//')
if [ -n "$TOKEN" ] && [ -n "$ACTION" ]; then
    curl -s -o /dev/null -H "Cookie: $COOKIE" -H "Origin: $BASE" -H "Sec-Fetch-Site: same-origin" \
        --data "form_token=$TOKEN&skip=1" "$BASE$ACTION"
fi
curl -s -H "Cookie: $COOKIE" -o "$WORK/page.html" -w "page: %{http_code}, %{size_download} bytes\n" "$BASE$PAGE"
echo "inline charts: $(grep -c '<svg' "$WORK/page.html")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in 8 32; do
    echo "== $c connections"
    wrk -t2 -c"$c" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "$BASE$PAGE" \
        | grep -E "Requests/sec|  50%|  99%"
done
grep VmHWM "/proc/$SERVER/status"
