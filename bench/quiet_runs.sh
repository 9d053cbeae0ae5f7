#!/usr/bin/env bash
# The chat's benchmark runs for docs/benchmarks.md ("Chat"), meant for a quiet machine:
#   PostgreSQL + Redis, `vangnet serve --workers 2`: 1,500 msg/s, the highest rate with
#   p99 < 250 ms (searched upwards), twice that rate, and N = 1,000 pairs at 0.1/s;
#   the embedded default (SQLite, one process, no Redis): 500 msg/s, from 1,000 msg/s up the
#   highest rate with p99 < 250 ms, twice that, and N = 1,000 at 0.1/s.
# Every run with --floor (a bare websockets relay measured in the same run). Results: one JSON
# line per run in $OUT (default bench-results/quiet-<time>.jsonl), the text on stdout.
#
#   BENCH_DATABASE_URL=postgres://USER:PASS@127.0.0.1:5432/DB bash bench/quiet_runs.sh [pg|embedded|all]
#
# The database named there is migrated and used (bench accounts and chats are added to it).
# Redis is a server of this script's own (port $BENCH_REDIS_PORT, default 6391), so no other
# test run's events reach the bench sockets. SMALL=1: a short version, to try the script.
# Every process this script starts is stopped when it ends, also on Ctrl-C or an error.
set -euo pipefail

cd "$(dirname "$0")/.."
WHAT=${1:-all}
PY=${PY:-.venv/bin/python}
VANGNET=${VANGNET:-.venv/bin/vangnet}
OUT=${OUT:-bench-results/quiet-$(date -u +%Y%m%dT%H%M%SZ).jsonl}
REDIS_PORT=${BENCH_REDIS_PORT:-6391}
PG_PORT=${BENCH_PG_PORT:-8700}
EMB_PORT=${BENCH_EMB_PORT:-8710}
SMALL=${SMALL:-0}
mkdir -p "$(dirname "$OUT")"

PIDS=()
TMP=$(mktemp -d /tmp/vangnet-quiet.XXXXXX)
stop_servers() {
    for pid in "${PIDS[@]}"; do
        # Each server was started in a session of its own: end its group (its workers too).
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    PIDS=()
}
trap 'stop_servers; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

start() {  # start CMD... in a process group of its own; its pid in PIDS
    setsid "$@" >"$TMP/$(basename "$1").$RANDOM.log" 2>&1 &
    PIDS+=("$!")
}

wait_http() {  # wait until a server answers /healthz
    for _ in $(seq 300); do
        if "$PY" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
            "http://127.0.0.1:$1/healthz" 2>/dev/null; then return 0; fi
        sleep 0.2
    done
    echo "the server on port $1 did not start" >&2
    return 1
}

load() {  # chat_load with the given arguments, --floor and the JSON output; prints its p99
    echo "--- load average: $(cut -d' ' -f1-3 /proc/loadavg); chat_load $*" >&2
    "$PY" -m bench.chat_load --floor --json "$OUT" "$@" >&2
    tail -n 1 "$OUT" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["vangnet"]["p99_ms"])'
}

limit_and_twice() {  # URL BEST RATE...: the highest RATE (msg/s) with p99 < 250 ms, then twice it
    local url=$1 best=$2 total p99
    shift 2
    for total in "$@"; do
        p99=$(load --url "$url" --pairs 100 --rate "$("$PY" -c "print($total/200)")" \
            --duration "$SHORT" --drain "$DRAIN")
        if "$PY" -c "import sys; sys.exit(0 if float('$p99') < 250 else 1)"; then
            best=$total
        else
            break
        fi
    done
    echo "== highest rate with p99 < 250 ms: $best msg/s; now twice that" >&2
    load --url "$url" --pairs 100 --rate "$("$PY" -c "print(2*$best/200)")" \
        --duration "$SHORT" --drain 30 >/dev/null
}

common_env() {
    export SECRET_KEY=bench-only-$(date +%s)-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    export VANGNET_ENCRYPTION_KEYS=${VANGNET_ENCRYPTION_KEYS:-$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')}
    export VANGNET_HTTPS=0 VANGNET_MANIFEST_STATIC=0 ALLOWED_HOSTS=127.0.0.1,localhost
    export VANGNET_CHAT_OPENING_HOURS= VANGNET_CHAT_RATE_LIMIT=1000000 VANGNET_LOG_LEVEL=warning
}

if [ "$SMALL" = 1 ]; then
    LONG=8; SHORT=5; BIG_N=100; DRAIN=5
else
    LONG=60; SHORT=20; BIG_N=1000; DRAIN=10
fi

run_pg() {
    : "${BENCH_DATABASE_URL:?set BENCH_DATABASE_URL to a PostgreSQL database for the bench}"
    (
        trap stop_servers EXIT
        trap 'exit 130' INT TERM
        common_env
        export DATABASE_URL=$BENCH_DATABASE_URL REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
        export VANGNET_DATA_DIR=$TMP/pg-data VANGNET_CHANNEL_PREFIX=bench
        start redis-server --port "$REDIS_PORT" --save "" --appendonly no
        "$VANGNET" migrate -v 0
        "$VANGNET" collectstatic --noinput -v 0
        start "$VANGNET" serve --port "$PG_PORT" --workers 2
        wait_http "$PG_PORT"
        url=http://127.0.0.1:$PG_PORT
        echo "== PostgreSQL + Redis, two workers" >&2
        load --url "$url" --pairs 100 --rate 7.5 --duration "$SHORT" --drain "$DRAIN" >/dev/null
        # The highest rate with p99 < 250 ms: up in steps of 500 msg/s from 2,000.
        limit_and_twice "$url" 1500 2000 2500 3000 3500 4000 5000 6000
        # Last: its thousand counsellors go off duty a minute after it, and every console still
        # open is sent the new queue, which a run started then would pay for.
        load --url "$url" --pairs "$BIG_N" --rate 0.1 --duration "$LONG" --drain "$DRAIN" >/dev/null
    )
}

run_embedded() {
    (
        trap stop_servers EXIT
        trap 'exit 130' INT TERM
        common_env
        unset DATABASE_URL REDIS_URL
        export VANGNET_DATA_DIR=$TMP/embedded
        "$VANGNET" migrate -v 0
        start "$VANGNET" serve --port "$EMB_PORT"
        wait_http "$EMB_PORT"
        url=http://127.0.0.1:$EMB_PORT
        echo "== the embedded default (SQLite, one process)" >&2
        load --url "$url" --pairs 100 --rate 2.5 --duration "$SHORT" --drain "$DRAIN" >/dev/null
        # As on PostgreSQL: 1,500 msg/s, the highest rate with p99 < 250 ms, twice that.
        limit_and_twice "$url" 500 1000 1500 2000 2500 3000 4000 5000
        load --url "$url" --pairs "$BIG_N" --rate 0.1 --duration "$LONG" --drain "$DRAIN" >/dev/null
    )
}

case "$WHAT" in
    pg) run_pg ;;
    embedded) run_embedded ;;
    all) run_pg; run_embedded ;;
    *) echo "usage: $0 [pg|embedded|all]" >&2; exit 2 ;;
esac
echo "results: $OUT" >&2
