#!/usr/bin/env bash
# Benchmarks against a fresh Waitline server on a free loopback port (embedded PostgreSQL in a temporary data
# directory, first admin created with the one-time setup code), stopped afterwards. All traffic goes to 127.0.0.1;
# every step has a time limit. Each benchmark run replaces its own section of docs/benchmarks.md and keeps the others.
#
#   load-tests/run.sh                      # both: fan-out (100 500 1000 feeds, 50 calls each) and desks (1 2 4 8)
#   BENCH=desks load-tests/run.sh          # only the desk throughput benchmark
#   BENCH=fanout SIZES="100 200" CALLS=20 load-tests/run.sh
#
# Fan-out: one server per size; a size's feeds are split a quarter display, a quarter staff, half patients' visit
# feeds (each visit feed is one waiting patient, so the line is as long as that half). A size that fails stops the
# larger ones. Desks: one server; DESKS desks on one queue, then with a queue per desk, DESK_SECONDS each.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH=${BENCH:-"fanout desks"}
SIZES=${SIZES:-"100 500 1000"}
CALLS=${CALLS:-50}
WARMUP=${WARMUP:-5}
PAUSE_MS=${PAUSE_MS:-500}
MAX_SECONDS=${MAX_SECONDS:-900}          # per size / desk run, enforced by the benchmark and again by `timeout`
DESKS=${DESKS:-"1,2,4,8"}
DESK_SECONDS=${DESK_SECONDS:-20}
LINE=${LINE:-20}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-}
REPORT=${REPORT:-docs/benchmarks.md}
server_jar=${SERVER_JAR:-server/target/waitline.jar}   # SERVER_JAR=…: use that jar as it is
load_jar=load-tests/target/waitline-load-tests.jar
out=load-tests/target/benchmarks
jar_setting=${SERVER_JAR:+ SERVER_JAR=$SERVER_JAR}

newer_source() { # prints a source under $2… newer than the jar $1, if any
  local jar=$1; shift
  find "$@" -path '*/target' -prune -o \( -name '*.java' -o -name '*.yaml' -o -name 'pom.xml' -o -path '*/resources/*' \) \
    -newer "$jar" -print -quit
}
if [[ -z ${SERVER_JAR:-} ]] && { [[ ! -f $server_jar ]] || [[ -n $(newer_source "$server_jar" pom.xml queue-core access \
    notifications pms-sync payment-gateway web-ui edge server) ]]; }; then
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
[[ " $BENCH " == *" fanout "* ]] && fanout_sizes=$SIZES || fanout_sizes=
for size in $fanout_sizes; do
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

desk_result=
desk_note=
if [[ " $BENCH " == *" desks "* ]]; then
  echo "== desks $DESKS, $DESK_SECONDS s each, line $LINE" >&2
  start_server desks
  rc=0
  WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java -cp "$load_jar" \
    io.waitline.load.DeskThroughputBenchmark --base-url "$base" --username bench-admin --desks "$DESKS" \
    --seconds "$DESK_SECONDS" --line "$LINE" --max-seconds "$MAX_SECONDS" \
    --out "$out/desks.json" >"$out/desks.log" 2>&1 || rc=$?
  stop_server
  if [[ -f $out/desks.json && $rc -le 1 ]]; then
    desk_result=$out/desks.json
    [[ $rc -eq 0 ]] || desk_note="A check failed or errors occurred (see the table and $out/desks.json)."
  else
    desk_note="The run did not finish (exit $rc; see $out/desks.log)."
    tail -5 "$out/desks.log" >&2
  fi
fi

machine() { # the machine and the build measured
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "$(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(java -version 2>&1 | head -1);"
  echo "\`$(uname -a)\`."
  echo "Server and benchmark client run on this same machine and share its cores; PostgreSQL is the server's embedded"
  echo "one, in processes of its own. Waitline $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n $(git status --porcelain 2>/dev/null) ]] && echo ' with uncommitted changes')."
}

row() { # one table row from a result file
  jq -r '
    def f(x): if x == null then "–" else (x | tostring) end;
    def lat(k): .latencyMs[k] | if .count == 0 then "–" else "\(.p50) / \(.p90) / \(.p99) / \(.max)" end;
    def mib(x): if x == null then "–" else ((x / 1024 | floor) | tostring) end;
    def heap(x): if x == null then "not exposed" else ((x / 1048576 | floor) | tostring) end;
    "| \(.feeds.total) (\(.feeds.display)/\(.feeds.staff)/\(.feeds.visit)) | \(.latencyMs.callNextResponse.p50) | \(lat("display")) | \(lat("staff")) | \(lat("visit")) | \(lat("slowestFeedPerCall")) | \(.lost.total) | \(.errors) | \(mib(.memory.beforeFeeds.rssKib)) → \(mib(.memory.feedsOpen.rssKib)) → \(mib(.memory.afterCalls.rssKib)) → \(mib(.memory.afterClose.rssKib)) | \(heap(.memory.afterCalls.heapBytes)) | \(.openAndSyncSeconds) |"' "$1"
}

fanout_section() {
  echo "## Fan-out: from \"call next\" to every open feed"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')."
  machine
  echo
  echo "The server's memory below is its JVM process alone, without PostgreSQL."
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=fanout SIZES=\"$SIZES\" CALLS=$CALLS WARMUP=$WARMUP PAUSE_MS=$PAUSE_MS SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\"$jar_setting)\`"
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
  echo
}

desk_row() { # one table row per desk run of the result file
  jq -r '.runs[] |
    def lat(x): if x.count == 0 then "–" else "\(x.p50) / \(x.p90) / \(x.p99) / \(x.max)" end;
    "| \(.desks) | \(.queues) | \(.calls) | \(.callsPerSecond) | \(.commandsPerSecond) | \(lat(.latencyMs.callNext)) | \(lat(.latencyMs.checkIn)) | \(.callsPerDesk | min)–\(.callsPerDesk | max) | \(.nobodyWaiting) | \(.checks.checkedIn) | \(.checks.handedToTwoDesks) / \(.checks.neverCalled) / \(.checks.unknownCalled) / \(.checks.duplicateTickets) / \(.checks.calledOutOfOrder) / \(.checks.answersNotInLog) | \(.checks.ticketOrderInversions) | \(.errors) |"' "$1"
}

desks_section() {
  echo "## Desks: \"call next\" from several desks at once"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')."
  machine
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=desks DESKS=$DESKS DESK_SECONDS=$DESK_SECONDS LINE=$LINE SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\"$jar_setting)\`"
  echo
  echo "One fresh server; after 5 s of warm-up, each row is $DESK_SECONDS s of K desks, each its own HTTP client calling"
  echo "\`call-next\`, \`start\`, \`complete\` in a loop as fast as it can, while a check-in stream (one client per desk)"
  echo "checks in a new walk-in for every one called, so each queue keeps $LINE waiting. Calls/s counts call-nexts; commands/s"
  echo "adds their start and complete and the check-ins. Latency in ms as p50 / p90 / p99 / max. Afterwards the lines are"
  echo "called empty and every answer is checked against the check-ins and the queues' event logs; the checks column counts"
  echo "entries handed to two desks / checked in but never called / called but never checked in / duplicate tickets /"
  echo "called before someone who arrived earlier / answers that disagree with the event log, and must be all 0."
  echo "\"Ticket inversions\" counts calls of a higher ticket before a lower one, which is information, not a failure."
  echo
  echo "| desks | queues | calls | calls/s | commands/s | call-next | check-in | calls per desk (min–max) | 409 nobody waiting | checked in | checks | ticket inversions | errors |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  [[ -z $desk_result ]] || desk_row "$desk_result"
  echo
  [[ -z $desk_note ]] || { echo "- $desk_note"; echo; }
  if [[ -f load-tests/interpretation-desks.md ]]; then cat load-tests/interpretation-desks.md; fi
  echo
}

replace_section() { # replaces the "## $1" section of $REPORT (up to the next "## ") with the file $2, or appends it
  local tmp
  tmp=$(mktemp)
  if [[ ! -f $REPORT ]]; then
    printf '# Benchmarks\n\nWritten by `load-tests/run.sh`; each section says when it ran. What is measured and how:\n[load-tests/README.md](../load-tests/README.md).\n\n' >"$REPORT"
  fi
  awk -v head="## $1" -v new="$2" '
    function emit() { while ((getline line < new) > 0) print line; done = 1 }
    /^## / { skipping = (index($0, head) == 1); if (skipping) { emit(); next } }
    !skipping { print; last = $0 }
    END { if (!done) { if (last != "") print ""; emit() } }' "$REPORT" >"$tmp"
  mv "$tmp" "$REPORT"
}

section=$(mktemp)
if [[ ${#results[@]} -gt 0 || ( -n $fanout_sizes && ${#notes[@]} -gt 0 ) ]]; then
  fanout_section >"$section"
  replace_section "Fan-out" "$section"
fi
if [[ -n $desk_result || -n $desk_note ]]; then
  desks_section >"$section"
  replace_section "Desks" "$section"
fi
rm -f "$section"
echo "Wrote $REPORT" >&2
