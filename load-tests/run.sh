#!/usr/bin/env bash
# Fan-out benchmark: for each size, starts a fresh Waitline server on a free loopback port (embedded PostgreSQL in a
# temporary data directory), creates the first admin with the one-time setup code, runs FanOutBenchmark against it,
# stops it, and finally writes docs/benchmarks.md. All traffic goes to 127.0.0.1; every step has a time limit.
#
#   load-tests/run.sh                      # sizes 100 500 1000 feeds, 50 calls each
#   SIZES="100 200" CALLS=20 load-tests/run.sh
#
# A size's feeds are split a quarter display, a quarter staff, half patients' visit feeds (each visit feed is one
# waiting patient, so the line is as long as that half). A size that fails stops the larger ones.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100 500 1000"}
CALLS=${CALLS:-50}
WARMUP=${WARMUP:-5}
PAUSE_MS=${PAUSE_MS:-500}
MAX_SECONDS=${MAX_SECONDS:-900}          # per size, enforced by the benchmark and again by `timeout`
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-}
REPORT=${REPORT:-docs/benchmarks.md}
server_jar=${SERVER_JAR:-server/target/waitline.jar}   # SERVER_JAR=…: use that jar as it is
load_jar=load-tests/target/waitline-load-tests.jar
out=load-tests/target/benchmarks
command_line="load-tests/run.sh  (SIZES=\"$SIZES\" CALLS=$CALLS WARMUP=$WARMUP PAUSE_MS=$PAUSE_MS SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\"${SERVER_JAR:+ SERVER_JAR=$SERVER_JAR})"

newer_source() { # prints a source under $2… newer than the jar $1, if any
  local jar=$1; shift
  find "$@" -path '*/target' -prune -o \( -name '*.java' -o -name '*.yaml' -o -name 'pom.xml' -o -path '*/resources/*' \) \
    -newer "$jar" -print -quit
}
if [[ -z ${SERVER_JAR:-} ]] && { [[ ! -f $server_jar ]] || [[ -n $(newer_source "$server_jar" pom.xml queue-core access \
    notifications pms-sync payment-gateway web-dashboard server) ]]; }; then
  echo "Building the server…" >&2
  timeout 1200 mvn -B -q install -DskipTests -pl server -am
fi
if [[ ! -f $load_jar ]] || [[ -n $(newer_source "$load_jar" load-tests) ]]; then
  echo "Building the benchmark…" >&2
  timeout 600 mvn -B -q package -DskipTests -pl load-tests
fi
mkdir -p "$out"

server_pid=
data_dir=
stop_server() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$server_pid" 2>/dev/null && kill -9 "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
  if [[ -n $data_dir ]]; then rm -rf "$data_dir"; data_dir=; fi
}
trap stop_server EXIT

free_port() { # a loopback port nobody listens on
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; return 1
}

# Starts a fresh server and creates its first admin; sets base, server_pid, data_dir, password.
start_server() {
  local port log
  port=$(free_port)
  data_dir=$(mktemp -d /tmp/waitline-bench.XXXXXX)
  log=$out/server-$1.log
  base=http://127.0.0.1:$port
  # shellcheck disable=SC2086
  WAITLINE_DATA_DIR=$data_dir WAITLINE_HTTP_HOST=127.0.0.1 WAITLINE_HTTP_PORT=$port WAITLINE_PUBLIC_URL=$base \
    java $SERVER_JAVA_OPTS -jar "$server_jar" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 240); do
    if curl -fs --max-time 2 "$base/health/ready" >/dev/null 2>&1 && [[ -f $data_dir/setup-code ]]; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "The server stopped while starting; see $log" >&2; return 1; }
    sleep 0.5
  done
  [[ -f $data_dir/setup-code ]] || { echo "The server did not become ready within 120 s; see $log" >&2; return 1; }
  password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
  curl -fsS --max-time 30 -o /dev/null -X POST "$base/api/v1/setup" -H 'Content-Type: application/json' \
    -d "{\"code\":\"$(cat "$data_dir/setup-code")\",\"username\":\"bench-admin\",\"displayName\":\"Benchmark\",\"password\":\"$password\"}"
}

results=()
notes=()
for size in $SIZES; do
  displays=$((size / 4)); staff=$((size / 4)); visits=$((size - displays - staff))
  echo "== $size feeds: $displays display, $staff staff, $visits visit" >&2
  start_server "$size"
  rc=0
  WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java -jar "$load_jar" --base-url "$base" \
    --username bench-admin --displays "$displays" --staff "$staff" --visits "$visits" --calls "$CALLS" \
    --warmup "$WARMUP" --pause-ms "$PAUSE_MS" --max-seconds "$MAX_SECONDS" --server-pid "$server_pid" \
    --out "$out/fanout-$size.json" >"$out/fanout-$size.log" 2>&1 || rc=$?
  stop_server
  if [[ -f $out/fanout-$size.json && $rc -le 1 ]]; then
    results+=("$out/fanout-$size.json")
    [[ $rc -eq 0 ]] || notes+=("$size feeds: events were lost or errors occurred (see the table and $out/fanout-$size.json).")
  else
    notes+=("$size feeds: the run did not finish (exit $rc; see $out/fanout-$size.log); larger sizes were not tried.")
    tail -5 "$out/fanout-$size.log" >&2
    break
  fi
done

row() { # one table row from a result file
  jq -r '
    def f(x): if x == null then "–" else (x | tostring) end;
    def lat(k): .latencyMs[k] | if .count == 0 then "–" else "\(.p50) / \(.p90) / \(.p99) / \(.max)" end;
    def mib(x): if x == null then "–" else ((x / 1024 | floor) | tostring) end;
    def heap(x): if x == null then "not exposed" else ((x / 1048576 | floor) | tostring) end;
    "| \(.feeds.total) (\(.feeds.display)/\(.feeds.staff)/\(.feeds.visit)) | \(.latencyMs.callNextResponse.p50) | \(lat("display")) | \(lat("staff")) | \(lat("visit")) | \(lat("slowestFeedPerCall")) | \(.lost.total) | \(.errors) | \(mib(.memory.beforeFeeds.rssKib)) → \(mib(.memory.feedsOpen.rssKib)) → \(mib(.memory.afterCalls.rssKib)) → \(mib(.memory.afterClose.rssKib)) | \(heap(.memory.afterCalls.heapBytes)) | \(.openAndSyncSeconds) |"' "$1"
}

{
  echo "# Benchmarks"
  echo
  echo "Written by \`load-tests/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). What is measured and how:"
  echo "[load-tests/README.md](../load-tests/README.md)."
  echo
  echo "## Fan-out: from \"call next\" to every open feed"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "$(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(java -version 2>&1 | head -1);"
  echo "\`$(uname -a)\`."
  echo "Server and benchmark client run on this same machine and share its cores; PostgreSQL is the server's embedded"
  echo "one (its own processes, not counted in the server's memory below). Waitline $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n $(git status --porcelain 2>/dev/null) ]] && echo ' with uncommitted changes')."
  echo
  echo "Command: \`$command_line\`"
  echo
  echo "Per size: a fresh server, $WARMUP warm-up calls, then $CALLS measured calls, one at a time, ${PAUSE_MS} ms apart after"
  echo "each call has reached every feed. Latency is from sending \`POST /call-next\` to the feed's message showing that"
  echo "call, in ms as p50 / p90 / p99 / max. \"Slowest feed\" is, per call, the last feed to show it."
  echo
  echo "| feeds (display/staff/visit) | call-next answer p50 | display | staff | visit | slowest feed per call | lost | errors | server RSS MiB: before → open → after calls → closed | JVM heap MiB | open + sync s |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${results[@]}"; do row "$r"; done
  echo
  for n in "${notes[@]}"; do echo "- $n"; done
  [[ ${#notes[@]} -eq 0 ]] || echo
  if [[ -f load-tests/interpretation.md ]]; then cat load-tests/interpretation.md; fi
} >"$REPORT"
echo "Wrote $REPORT" >&2
