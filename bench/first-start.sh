#!/bin/bash
# A first start's CPU (docs/performance.md, "First start"): the start of `npm start` from an
# empty DATA_DIR, until "gateway ready", then the node process's CPU and its main thread's read
# from /proc. On a shared machine wall times are noise: run two checkouts at once (the same
# load for both) and compare their CPU.
#
#   bench/first-start.sh CHECKOUT LABEL SCALE PORT [node flags, e.g. --cpu-prof]
#
# PORT is the gateway's; the subgraphs take PORT+1..PORT+6, the OpenID provider PORT+10. The
# data goes to /tmp/first-start-LABEL (removed first), the log to /tmp/first-start-LABEL.log.
# KEEP=1 leaves the graph running (its pid is printed), for `npm run figures` on that DATA_DIR.
set -u
src=$1 label=$2 scale=$3 port=$4
shift 4
data=/tmp/first-start-$label log=/tmp/first-start-$label.log
rm -rf "$data"
cd "$src" || exit 1
env DATA_DIR="$data" SCALE="$scale" PORT="$port" REGISTRY_PORT=$((port + 1)) CREDIT_PORT=$((port + 2)) \
  HOUSING_PORT=$((port + 3)) SOCIAL_INSURANCE_PORT=$((port + 4)) EMPLOYMENT_PORT=$((port + 5)) \
  LIVELIHOODS_PORT=$((port + 6)) OIDC_PORT=$((port + 10)) \
  node "$@" --import tsx scripts/start.ts >"$log" 2>&1 &
pid=$!
started=$(date +%s.%N)
load=$(cut -d' ' -f1 /proc/loadavg)
until grep -q "gateway ready" "$log"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "$label: the start ended before the gateway was ready (see $log)"
    exit 1
  fi
  sleep 0.5
done
ready=$(date +%s.%N)
ticks=$(getconf CLK_TCK)
# utime and stime: fields 14 and 15 of stat (the process's include its ended threads').
read -r user system < <(awk '{print $14, $15}' "/proc/$pid/stat")
read -r main_user main_system < <(awk '{print $14, $15}' "/proc/$pid/task/$pid/stat")
printf '%s scale %s: wall %.1f s, CPU %.1f s, main thread %.1f s, load average %s -> %s\n' "$label" "$scale" \
  "$(echo "$ready - $started" | bc)" "$(echo "($user + $system) / $ticks" | bc -l)" \
  "$(echo "($main_user + $main_system) / $ticks" | bc -l)" "$load" "$(cut -d' ' -f1 /proc/loadavg)"
if [ -n "${KEEP:-}" ]; then
  echo "still running: pid $pid"
  exit 0
fi
kill "$pid"
wait "$pid" 2>/dev/null
