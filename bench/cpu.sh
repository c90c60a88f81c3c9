#!/usr/bin/env bash
# CPU per request of each process while wrk loads the server: the CPU time
# of every process (grouped by command name) and of the whole machine,
# read from /proc before and after, divided by the requests wrk made. The
# "Where the time goes" table of docs/benchmarks.md comes from it.
#
#   bench/cpu.sh -t2 -c32 -d8s -s scenario.lua http://127.0.0.1:18090
#
# (a scenario script sets wrk.path, wrk.headers or a request function; see
# bench/load for the ones bench/tasks.sh runs). wrk's own CPU is not listed
# (it has exited when the second sample is read) but is in the total.
set -euo pipefail
command -v wrk >/dev/null || { echo "bench/cpu.sh needs wrk: apt-get install wrk" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hz=$(getconf CLK_TCK)
snap() {
  for p in /proc/[0-9]*; do
    c=$(cat "$p/comm" 2>/dev/null) || continue
    s=$(awk '{print $14+$15}' "$p/stat" 2>/dev/null) || continue
    echo "$c $s"
  done | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort
}
snap >"$tmp/procs1"; grep '^cpu ' /proc/stat >"$tmp/cpu1"
out=$(wrk "$@")
snap >"$tmp/procs2"; grep '^cpu ' /proc/stat >"$tmp/cpu2"
echo "$out" | grep -E 'Requests/sec|Non-2xx|Socket errors'
n=$(echo "$out" | awk '/requests in/ {print $1}')
join "$tmp/procs1" "$tmp/procs2" |
  awk -v n="$n" -v hz="$hz" '{d = ($3 - $2) * 1e6 / hz; if (d > 0) printf "%-20s %8.1f µs/request\n", $1, d / n}' |
  sort -k2 -nr | head -8
paste "$tmp/cpu1" "$tmp/cpu2" | awk -v n="$n" -v hz="$hz" '{
  busy = 0; for (i = 2; i <= 11; i++) busy += $(i + 11) - $i
  idle = $16 - $5; steal = $20 - $9
  printf "machine busy %.1f µs/request (of which stolen by the hypervisor %.1f); idle %.1f\n",
    (busy - idle) * 1e6 / hz / n, steal * 1e6 / hz / n, idle * 1e6 / hz / n }'
