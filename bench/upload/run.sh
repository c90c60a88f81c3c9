#!/usr/bin/env bash
# Measures (does not assert) attachment upload throughput and the server's
# peak RSS while it receives a file: builds the binary, serves it on a fresh
# database and attachments directory, uploads SIZE_MIB (default 20) of random
# bytes with curl RUNS times (default 5) and reads VmHWM from
# /proc/<pid>/status, after resetting it (clear_refs 5) just before each
# upload. Linux only. Usage: bench/upload/run.sh   (from the repository root)
set -euo pipefail

SIZE_MIB=${SIZE_MIB:-20}
RUNS=${RUNS:-5}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
DB=tt_upload_bench_$$
ADDR=127.0.0.1:${PORT:-18089}
WORK=$(mktemp -d)
BIN=$WORK/tasktracker

go build -o "$BIN" ./cmd/tasktracker
head -c $((SIZE_MIB << 20)) /dev/urandom > "$WORK/file.bin"

DATABASE_URL="$PGURL/$DB?sslmode=disable" HTTP_ADDR=$ADDR ATTACHMENTS_DIR=$WORK/attachments \
  ATTACHMENT_MAX_BYTES=$(((SIZE_MIB + 1) << 20)) LOG_LEVEL=warn "$BIN" serve 2>"$WORK/server.log" &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  dropdb --if-exists -d "$PGURL/postgres" "$DB" 2>/dev/null || psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 100); do curl -fs "http://$ADDR/readyz" >/dev/null && break; sleep 0.1; done

curl -fs -H 'Content-Type: application/json' "http://$ADDR/users" \
  -d '{"email":"bench@example.com","username":"bench","password":"correct horse battery","display_name":"Bench"}' >/dev/null
TOKEN=$(curl -fs -H 'Content-Type: application/json' "http://$ADDR/auth/login" \
  -d '{"login":"bench","password":"correct horse battery"}' | jq -r .token)
TASK=$(curl -fs -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" "http://$ADDR/tasks" \
  -d '{"title":"upload benchmark"}' | jq -r .id)

kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$PID/status"; }
echo "file: $SIZE_MIB MiB; server pid $PID; RSS at rest $(($(kb VmRSS) / 1024)) MiB"
for i in $(seq "$RUNS"); do
  echo 5 > "/proc/$PID/clear_refs" # reset VmHWM to the current RSS
  before=$(kb VmRSS)
  out=$(curl -fs -o /dev/null -w '%{http_code} %{time_total} %{speed_upload}' -H "Authorization: Bearer $TOKEN" \
    -F "file=@$WORK/file.bin;type=application/octet-stream" "http://$ADDR/tasks/$TASK/attachments")
  read -r code secs bps <<<"$out"
  peak=$(kb VmHWM)
  printf 'run %d: HTTP %s, %.3f s, %.1f MiB/s; RSS before %d KiB, peak during the upload %d KiB (+%d KiB)\n' \
    "$i" "$code" "$secs" "$(echo "$bps / 1048576" | bc -l)" "$before" "$peak" $((peak - before))
done
echo "files stored: $(find "$WORK/attachments" -type f | wc -l) (each ${SIZE_MIB} MiB)"
