#!/bin/sh
# The full measurement of issue 16 ("Public site through a media spike" in docs/benchmarks.md),
# for a quiet machine: nothing else running. From the repository root:
#
#   export VANGNET_TEST_DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/ANY   # may CREATE DATABASE
#   export VANGNET_TEST_REDIS_URL=redis://127.0.0.1:6379/0
#   sh bench/spike_quiet.sh [results.jsonl]
#
# Each run creates its own database, servers and nginx in a temporary directory and stops every
# process it started (nginx included) and drops its database, also when stopped with Ctrl-C or
# `kill`. Takes about 15 minutes; needs Debian's apache2-utils (ab) and hey. A small trial of the same commands:
#   CLIENTS=20 DURATION=10 PAIRS=10 EMBEDDED_CLIENTS=10 SEARCHES=200 sh bench/spike_quiet.sh /tmp/trial.jsonl
set -eu
cd "$(dirname "$0")/.."
: "${VANGNET_TEST_DATABASE_URL:?set VANGNET_TEST_DATABASE_URL (see the top of this script)}"
: "${VANGNET_TEST_REDIS_URL:?set VANGNET_TEST_REDIS_URL (see the top of this script)}"
OUT=${1:-bench/spike-$(date -u +%Y%m%dT%H%M).jsonl}
CLIENTS=${CLIENTS:-200}
DURATION=${DURATION:-60}
PAIRS=${PAIRS:-100}
EMBEDDED_CLIENTS=${EMBEDDED_CLIENTS:-50}
SEARCHES=${SEARCHES:-2000}
PY=.venv/bin/python

child=""
stop_child() {
    # Only the run this script started; it stops its own servers and nginx.
    if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
    exit 130
}
trap stop_child INT TERM

run() {
    echo "== $*  (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    "$@" &
    child=$!
    wait "$child"
    child=""
}

echo "machine: $(nproc) cores; results appended to $OUT"
# 1. CPU time of one directory search, in-process (shared rendering hits and renderings).
run $PY -m bench.directory_cpu --searches "$SEARCHES" --json "$OUT"
# 2. The deployment sample: nginx (micro-cache) in front of 2 page processes (nice 5) and the
#    chat's own process (nice -5 when run as root, as systemd's Nice=), 200 clients on the mix
#    for 60 s, 100 chat pairs at 0.5 msg/s through nginx at the same time, a staff login.
run $PY -m bench.public_load --clients "$CLIENTS" --duration "$DURATION" --nginx \
    --chat-workers 1 --chat-pairs "$PAIRS" --chat-rate 0.5 --json "$OUT"
# 2b. The same with the page load tool (ab) at nice 10: it then yields the 2 cores to the
#     servers and the chat load, as the visitors' own devices would not share the server's CPU.
run $PY -m bench.public_load --clients "$CLIENTS" --duration "$DURATION" --nginx \
    --chat-workers 1 --chat-pairs "$PAIRS" --chat-rate 0.5 --load-nice 10 --json "$OUT"
# 2c. The spike at the issue's rates (1,500 cached pages/s and 300 searches/s offered by the
#     same 200 clients, `hey`), with the chat load: what the chat does while the spike runs.
run $PY -m bench.public_load --clients "$CLIENTS" --duration "$DURATION" --nginx \
    --chat-workers 1 --chat-pairs "$PAIRS" --chat-rate 0.5 --cached-rate 1500 --search-rate 300 \
    --json "$OUT"
# 3. The same without nginx: every page request reaches Django (page cache in Redis); the
#    chat load straight to the chat's process.
run $PY -m bench.public_load --clients "$CLIENTS" --duration "$DURATION" \
    --chat-workers 1 --chat-pairs "$PAIRS" --chat-rate 0.5 --json "$OUT"
# 4. For comparison (COMPARE=1), the earlier topology: nginx in front of 2 processes that serve
#    both the pages and the chat.
if [ "${COMPARE:-0}" = 1 ]; then
    run $PY -m bench.public_load --clients "$CLIENTS" --duration "$DURATION" --nginx \
        --chat-workers 0 --chat-pairs "$PAIRS" --chat-rate 0.5 --json "$OUT"
fi
# 5. The embedded default (SQLite, one process), 50 clients.
run $PY -m bench.public_load --embedded --clients "$EMBEDDED_CLIENTS" --duration "$DURATION" \
    --json "$OUT"

echo "== done; results in $OUT"
