#!/usr/bin/env bash
# The tasking benchmark of docs/benchmarks.md in one command: for each task
# count, build the binary, seed a fresh database with COPY, start the server
# on loopback, and run bench/load (wrk at 32 connections; pgbench on the same
# PostgreSQL server for the floor, before and after). Not part of the test
# suite. Needs wrk (apt-get install wrk) and the PostgreSQL server package's pgbench.
#
#   bench/tasks.sh                 # 10 000 and 1 000 000 tasks, 15 s per scenario
#   TASKS="10000" DURATION=5s bench/tasks.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TASKS=${TASKS:-"10000 1000000"}
USERS=${USERS:-200}
DURATION=${DURATION:-15s}
CONC=${CONC:-32}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
ADDR=127.0.0.1:${PORT:-18090}
OUT=${OUT:-bench/results}
WORK=$(mktemp -d)
BIN=$WORK/tasktracker
mkdir -p "$OUT"
go build -o "$BIN" ./cmd/tasktracker
command -v wrk >/dev/null || { echo "bench/tasks.sh needs wrk: apt-get install wrk" >&2; exit 1; }
go build -o "$WORK/load" ./bench/load

PID=
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

for n in $TASKS; do
  db=tt_bench_$n
  dsn="$PGURL/$db?sslmode=disable"
  psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  echo "== $n tasks"
  DATABASE_URL=$dsn "$BIN" seed --users "$USERS" --tasks "$n"
  DATABASE_URL=$dsn HTTP_ADDR=$ADDR LOG_LEVEL=warn PPROF_ADDR=${PPROF_ADDR:-} "$BIN" serve 2>"$OUT/server-$n.log" &
  PID=$!
  for _ in $(seq 1 50); do curl -sf "http://$ADDR/readyz" >/dev/null && break; sleep 0.2; done
  "$WORK/load" -url "http://$ADDR" -db "$dsn" -c "$CONC" -d "$DURATION" -json "$OUT/load-$n.json" | tee "$OUT/load-$n.md"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
done
