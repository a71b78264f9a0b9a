#!/usr/bin/env bash
# Benchmarks against a fresh Waitline server on a free loopback port (embedded PostgreSQL in a temporary data
# directory, first admin created with the one-time setup code), stopped afterwards. All traffic goes to 127.0.0.1;
# every step has a time limit. Each benchmark run replaces its own section of docs/benchmarks.md and keeps the others.
#
#   load-tests/run.sh                      # both: fan-out (100 500 1000 feeds, 50 calls each) and desks (1 2 4 8)
#   BENCH=desks load-tests/run.sh          # only the desk throughput benchmark
#   BENCH=fanout SIZES="100 200" CALLS=20 load-tests/run.sh
#   BENCH=commands load-tests/run.sh       # check-in + call-next from 4 clients on 4 queues, beside pgbench
#   BENCH=feedmem load-tests/run.sh        # server RSS and live heap with 2000 feeds (permessage-deflate offered) open and closed 3 times
#   BENCH=feedmem FEEDMEM_VIEW=display FEEDMEM_PROTOCOL=2 load-tests/run.sh   # waiting-room screens on feed protocol 2
#   BENCH=feedmem FEEDMEM_JARS="before=/path/old.jar after=server/target/waitline.jar" load-tests/run.sh
#   BENCH=mllp load-tests/run.sh           # HL7 v2 over MLLP: SIU^S12 bookings from 1 then 4 senders, lock-step then 32 in flight, AA after commit
#   BENCH=display load-tests/run.sh        # display feeds (protocol 2) beside a bare Vert.x broadcast: 1000 5000 10000 × 20 200 waiting
#   BENCH=display DISPLAY_SIZES="1000 5000" DISPLAY_LINES="20 200" DISPLAY_CALLS=30 load-tests/run.sh
#   BENCH=display SERVER_JAR=/path/before.jar LOAD_JAR=/path/benchmark.jar load-tests/run.sh   # given jars, as they are
#   BENCH=display WAITLINE_NATIVE_TRANSPORT=false load-tests/run.sh   # the node and the bare server on NIO, not epoll
#   BENCH=kafka load-tests/run.sh          # two nodes through a Kafka broker: calls on node A, display feeds on node B
#   BENCH=kafka KAFKA_FEEDS="1000" KAFKA_LINE=20 KAFKA_CALLS=30 load-tests/run.sh
#   BENCH=import load-tests/run.sh         # FHIR imports of 10000 and 100000 appointments, then one 10000-row CSV upload
#   BENCH=import IMPORT_SIZES=10000,100000 IMPORT_QUEUES=4 CSV_ROWS=10000 load-tests/run.sh
#   BENCH=insights load-tests/run.sh       # a year of 250000 visits generated in PostgreSQL, then GET /insights day…year
#   BENCH=insights INSIGHTS_VISITS=250000 INSIGHTS_ROUNDS=5 load-tests/run.sh
#
# Fan-out: one server per size; a size's feeds are split a quarter display, a quarter staff, half patients' visit
# feeds (each visit feed is one waiting patient, so the line is as long as that half). A size that fails stops the
# larger ones. Desks: one server; DESKS desks on one queue, then with a queue per desk, DESK_SECONDS each.
# Commands: one server; pgbench (tpcb-like, COMMAND_CLIENTS clients) in a database of its own on the server's
# embedded PostgreSQL, then Waitline's check-in + call-next from COMMAND_CLIENTS clients on as many queues, each for
# COMMAND_SECONDS after COMMAND_WARMUP; commits, rows read and WAL per command from pg_stat_database and pg_stat_wal,
# CPU per command of the server, PostgreSQL and the client from /proc. Works with any
# SERVER_JAR that keeps its embedded PostgreSQL under <data dir>/pg; without psql or pgbench it reports Waitline only.
# Display: per size and line, a fresh server and a bare Vert.x broadcast server (BareBroadcastServer, one instance per
# core) side by side; that many display feeds of one queue, DISPLAY_WARMUP calls not measured, then DISPLAY_CALLS; then as
# many bare clients sent as many frames (warm-up ones too) of the call frame's size. A size that fails stops the larger ones.
# Kafka: a KRaft broker from the kafka_2.13 jars of queue-core's test broker, in a JVM of its own; node A with its
# embedded PostgreSQL and node B on A's database, both publishing and consuming through the broker. Per size: that
# many display feeds of one queue on A, then on B, KAFKA_CALLS calls made on A each time (one node, then A → B).
# Import: one server; a FHIR R4 source per size reads a schedule of that many appointments (each with its patient)
# from a HAPI FHIR server inside the benchmark process (every page encoded once before the import, then served as kept)
# into IMPORT_QUEUES queues, then HAPI alone parses the last one's pages for IMPORT_PARSE_SECONDS (default 10) on 1 and
# 2 threads (the parse's ceiling); then one CSV upload of CSV_ROWS rows.
# Insights: one server; load-tests/insights-year.sql writes a year of INSIGHTS_VISITS visits into its embedded
# PostgreSQL with psql (needs psql), then each range and filter is asked INSIGHTS_ROUNDS times over HTTP.
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
COMMAND_CLIENTS=${COMMAND_CLIENTS:-4}
COMMAND_SECONDS=${COMMAND_SECONDS:-20}
COMMAND_WARMUP=${COMMAND_WARMUP:-60}   # a fresh server still compiles its hot paths long after 5 s (docs/benchmarks.md)
FEEDMEM_FEEDS=${FEEDMEM_FEEDS:-2000}
FEEDMEM_ROUNDS=${FEEDMEM_ROUNDS:-3}
DISPLAY_SIZES=${DISPLAY_SIZES:-"1000 5000 10000"}
DISPLAY_LINES=${DISPLAY_LINES:-"20 200"}
DISPLAY_CALLS=${DISPLAY_CALLS:-30}
DISPLAY_WARMUP=${DISPLAY_WARMUP:-20}
KAFKA_FEEDS=${KAFKA_FEEDS:-"1000"}
KAFKA_LINE=${KAFKA_LINE:-20}
KAFKA_CALLS=${KAFKA_CALLS:-30}
FEEDMEM_VIEW=${FEEDMEM_VIEW:-staff}
FEEDMEM_PROTOCOL=${FEEDMEM_PROTOCOL:-1}
MLLP_SENDERS=${MLLP_SENDERS:-"1,4"}
MLLP_WINDOWS=${MLLP_WINDOWS:-"1,32"}
MLLP_SECONDS=${MLLP_SECONDS:-20}
IMPORT_SIZES=${IMPORT_SIZES:-10000,100000}
IMPORT_QUEUES=${IMPORT_QUEUES:-4}
IMPORT_PARSE_SECONDS=${IMPORT_PARSE_SECONDS:-10}
CSV_ROWS=${CSV_ROWS:-10000}
INSIGHTS_VISITS=${INSIGHTS_VISITS:-250000}
INSIGHTS_ROUNDS=${INSIGHTS_ROUNDS:-5}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-}
# BENCH=display's client JVM: young generation room for a side's calls, so that no collection pauses the client while
# it times them (its GC log is beside the results; the screens allocate next to nothing per frame)
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:-"-Xms3g -Xmx3g -Xmn2g"}
REPORT=${REPORT:-docs/benchmarks.md}
server_jar=${SERVER_JAR:-server/target/waitline.jar}   # SERVER_JAR=…: use that jar as it is
load_jar=${LOAD_JAR:-load-tests/target/waitline-load-tests.jar}   # LOAD_JAR=…: that benchmark jar as it is
out=load-tests/target/benchmarks
jar_setting=${SERVER_JAR:+ SERVER_JAR=$SERVER_JAR}${LOAD_JAR:+ LOAD_JAR=$LOAD_JAR}${WAITLINE_NATIVE_TRANSPORT:+ WAITLINE_NATIVE_TRANSPORT=$WAITLINE_NATIVE_TRANSPORT}

newer_source() { # prints a source under $2… newer than the jar $1, if any
  local jar=$1; shift
  find "$@" -path '*/target' -prune -o \( -name '*.java' -o -name '*.yaml' -o -name 'pom.xml' -o -path '*/resources/*' \) \
    -newer "$jar" -print -quit
}
if [[ -z ${SERVER_JAR:-} ]] && { [[ ! -f $server_jar ]] || [[ -n $(newer_source "$server_jar" pom.xml queue-core access \
    notifications pms-sync payment-gateway insights web-ui edge server) ]]; }; then
  echo "Building the server…" >&2
  timeout 1200 mvn -B -q install -DskipTests -pl server -am
fi
if [[ -z ${LOAD_JAR:-} ]] && { [[ ! -f $load_jar ]] || [[ -n $(newer_source "$load_jar" load-tests) ]]; }; then
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
broker_pid=
broker_dir=
node_b_pid=
node_b_dir=
stop_kafka_nodes() { # node B, then the broker (node A is stop_server's)
  local pid
  for pid in $node_b_pid $broker_pid; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  node_b_pid=; broker_pid=
  for d in $node_b_dir $broker_dir; do rm -rf "$d"; done
  node_b_dir=; broker_dir=
}
trap 'stop_kafka_nodes; stop_server' EXIT

transports= # each side's Netty transport, as its log said it ("server epoll; bare broadcast epoll")
note_transport() { # side $1 ran on transport $2 (empty: a build that does not log it, which runs on NIO)
  local said="$1 ${2:-nio (not logged: a build before the native transport)}"
  [[ "; $transports; " == *"; $said; "* ]] || transports+=${transports:+; }$said
}

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
  # every benchmark client connects from 127.0.0.1: lift the per-address connection cap for it; the JVM option is the
  # one ./waitline and the image run the server with
  WAITLINE_DATA_DIR=$data_dir WAITLINE_HTTP_HOST=127.0.0.1 WAITLINE_HTTP_PORT=$port WAITLINE_PUBLIC_URL=$base \
    WAITLINE_MLLP_PORT=${mllp_port:-} WAITLINE_INSIGHTS_ROLLUP_SECONDS=${rollup_seconds:-} \
    WAITLINE_MAX_CONNECTIONS_PER_ADDRESS=1000000 java -XX:-DontCompileHugeMethods $SERVER_JAVA_OPTS -jar "${2:-$server_jar}" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 240); do
    if curl -fs --max-time 2 "$base/health/ready" >/dev/null 2>&1 && [[ -f $data_dir/setup-code ]]; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "The server stopped while starting; see $log" >&2; return 1; }
    sleep 0.5
  done
  [[ -f $data_dir/setup-code ]] || { echo "The server did not become ready within 120 s; see $log" >&2; return 1; }
  note_transport server "$(grep -o 'Network transport: [a-z_]*' "$log" | head -1 | cut -d' ' -f3)"
  password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
  curl -fsS --max-time 30 -o /dev/null -X POST "$base/api/v1/setup" -H 'Content-Type: application/json' \
    -d "{\"code\":\"$(cat "$data_dir/setup-code")\",\"username\":\"bench-admin\",\"displayName\":\"Benchmark\",\"password\":\"$password\"}"
}

# After the run $1 ended with exit code $2: run_result is its JSON when it finished (exit 0, or 1 when a check
# failed, then run_note is $3), else empty with run_note saying so.
run_outcome() {
  run_result=; run_note=
  if [[ -f $out/$1.json && $2 -le 1 ]]; then
    run_result=$out/$1.json
    [[ $2 -eq 0 ]] || run_note=$3
  else
    run_note="The run did not finish (exit $2; see $out/$1.log)."
    tail -5 "$out/$1.log" >&2
  fi
}

# Whether run $1 (exit code $2) finished with its result; if not, says so with the end of its log.
finished() {
  [[ -f $out/$1.json && $2 -eq 0 ]] && return 0
  echo "$1: the run did not finish (exit $2; see $out/$1.log)" >&2
  tail -5 "$out/$1.log" >&2
  return 1
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
  run_outcome desks "$rc" "A check failed or errors occurred (see the table and $out/desks.json)."
  desk_result=$run_result; desk_note=$run_note
fi

command_result=
command_note=
if [[ " $BENCH " == *" commands "* ]]; then
  echo "== commands: pgbench and Waitline, $COMMAND_CLIENTS clients, $COMMAND_SECONDS s each" >&2
  start_server commands
  pg_port=$(sed -n 4p "$data_dir/pg/postmaster.pid" 2>/dev/null || true)
  pg() { psql -X -At -h localhost -p "$pg_port" -U postgres "$@"; }
  # one database's counters and the server's WAL, as JSON; read from the postgres database so as not to count itself
  stats_sql() {
    echo "SELECT json_build_object('xactCommit', xact_commit, 'xactRollback', xact_rollback,
      'rowsRead', tup_returned + tup_fetched, 'walBytes', (SELECT wal_bytes FROM pg_stat_wal))
      FROM pg_stat_database WHERE datname = '$1'"
  }
  stats_sql pgbench >"$out/stats-pgbench.sql"
  stats_sql waitline >"$out/stats-waitline.sql"
  postmaster=$(sed -n 1p "$data_dir/pg/postmaster.pid" 2>/dev/null || true)
  # CPU seconds used so far by the server's JVM, by PostgreSQL (the postmaster, its live processes and the ones that
  # ended) and by the process $1, as JSON; from /proc, so the three can be told apart on one machine
  cpu_json() {
    local tick server=0 jit=0 postgres=0 caller=0
    tick=$(getconf CLK_TCK)
    server=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
    postgres=$(awk -v pm="$postmaster" '$2 != "(postgres)" {next} $1 == pm {t += $14 + $15 + $16 + $17} $4 == pm {t += $14 + $15} END {print t + 0}' \
      < <(cat /proc/[0-9]*/stat 2>/dev/null))
    [[ -n ${1:-} ]] && caller=$(awk '{print $14 + $15}' "/proc/$1/stat")
    # of the server's, its JIT compiler threads' (a cost of warming up, which pgbench does not have)
    jit=$(cat /proc/"$server_pid"/task/*/stat 2>/dev/null | awk '/\(C[12] CompilerThre/ {t += $(NF - 38) + $(NF - 37)} END {print t + 0}')
    jq -n --argjson t "$tick" --argjson s "$server" --argjson j "$jit" --argjson p "$postgres" --argjson c "$caller" \
      '{server: ($s / $t), serverJit: ($j / $t), postgres: ($p / $t), client: ($c / $t)}'
  }
  # the benchmark's probe: the database's counters and the CPU so far (the client is the benchmark, the probe's caller)
  { declare -f cpu_json; echo "server_pid=$server_pid postmaster=$postmaster"
    echo "jq -n --argjson db \"\$(psql -X -At -h localhost -p $pg_port -U postgres -d postgres -f $out/stats-waitline.sql)\" \\"
    echo "  --argjson cpu \"\$(cpu_json \$PPID)\" '\$db + {cpu: \$cpu}'"; } >"$out/probe-commands.sh"
  # one pgbench run ($1: its log) with the pgbench database's counters and the CPU around it, as JSON (null if it failed)
  pgbench_run() {
    local before after client_cpu tps done_tx
    sleep 2
    before=$(pg -d postgres -f "$out/stats-pgbench.sql" | jq --argjson cpu "$(cpu_json)" '. + {cpu: $cpu}')
    # pgbench's own CPU seconds (user + system) as its client, written by time(1) after its output
    timeout $((COMMAND_SECONDS + 120)) /usr/bin/time -f 'client CPU %U %S' pgbench -c "$COMMAND_CLIENTS" -j 2 \
      -T "$COMMAND_SECONDS" -h localhost -p "$pg_port" -U postgres pgbench >"$1" 2>&1 || true
    sleep 2 # pgbench's backends publish their statistics as they exit
    client_cpu=$(awk '/^client CPU / {print $3 + $4}' "$1")
    after=$(pg -d postgres -f "$out/stats-pgbench.sql" | jq --argjson cpu "$(cpu_json)" --argjson c "${client_cpu:-0}" \
      '. + {cpu: ($cpu + {client: $c})}')
    tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$1")
    done_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*$/\1/p' "$1")
    if [[ -n $tps && -n $done_tx ]]; then
      jq -n --argjson b "$before" --argjson a "$after" --argjson tps "$tps" --argjson tx "$done_tx" \
        '{tps: $tps, transactions: $tx, before: $b, after: $a}'
    else
      echo null
    fi
  }
  pgbench_json=null
  pgbench_after_json=null
  pgbench_ready=
  probe=()
  if [[ -n $pg_port ]] && command -v psql >/dev/null && pg -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    probe=(--probe "exec bash $out/probe-commands.sh")
    if command -v pgbench >/dev/null && pg -d postgres -c 'CREATE DATABASE pgbench' >/dev/null \
        && pgbench -i -q -h localhost -p "$pg_port" -U postgres pgbench >"$out/pgbench-init.log" 2>&1; then
      pgbench_ready=yes
      pgbench_json=$(pgbench_run "$out/pgbench.log")
    fi
    [[ $pgbench_json != null ]] || command_note="pgbench could not run on the server's PostgreSQL (see $out/pgbench.log)."
  else
    command_note="The server's embedded PostgreSQL could not be reached with psql: no pgbench, no database counters."
  fi
  rc=0
  WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java -cp "$load_jar" \
    io.waitline.load.CommandBenchmark --base-url "$base" --username bench-admin --clients "$COMMAND_CLIENTS" \
    --seconds "$COMMAND_SECONDS" --warmup-seconds "$COMMAND_WARMUP" --max-seconds "$MAX_SECONDS" "${probe[@]}" \
    --out "$out/commands-waitline.json" >"$out/commands.log" 2>&1 || rc=$?
  # pgbench once more after Waitline, so that its rate is read on both sides of Waitline's run (it moves by up to half
  # from one run to the next on this machine's disk)
  [[ -n $pgbench_ready ]] && pgbench_after_json=$(pgbench_run "$out/pgbench-after.log")
  stop_server
  if [[ -f $out/commands-waitline.json && $rc -le 1 ]]; then
    jq --argjson pgbench "$pgbench_json" --argjson pgbenchAfter "$pgbench_after_json" \
      '. + {pgbench: $pgbench, pgbenchAfter: $pgbenchAfter}' "$out/commands-waitline.json" >"$out/commands.json"
    command_result=$out/commands.json
    [[ $rc -eq 0 ]] || command_note="Errors occurred (see $out/commands.json). $command_note"
  else
    command_note="The run did not finish (exit $rc; see $out/commands.log)."
    tail -5 "$out/commands.log" >&2
  fi
fi

mllp_result=
mllp_note=
if [[ " $BENCH " == *" mllp "* ]]; then
  echo "== mllp: senders $MLLP_SENDERS, windows $MLLP_WINDOWS, $MLLP_SECONDS s each" >&2
  mllp_port=$(free_port)
  start_server mllp
  rc=0
  WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java -cp "$load_jar" \
    io.waitline.load.MllpBenchmark --base-url "$base" --username bench-admin --mllp-port "$mllp_port" \
    --senders "$MLLP_SENDERS" --windows "$MLLP_WINDOWS" --seconds "$MLLP_SECONDS" --max-seconds "$MAX_SECONDS" \
    --out "$out/mllp.json" >"$out/mllp.log" 2>&1 || rc=$?
  stop_server
  mllp_port=
  run_outcome mllp "$rc" "Some messages were not answered AA (see $out/mllp.json)."
  mllp_result=$run_result; mllp_note=$run_note
fi

feedmem_results=()
if [[ " $BENCH " == *" feedmem "* ]]; then
  for labelled in ${FEEDMEM_JARS:-"this-build=$server_jar"}; do
    label=${labelled%%=*}; jar=${labelled#*=}
    echo "== feed memory: $label ($jar)" >&2
    start_server "feedmem-$label" "$jar"
    rc=0
    WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java -cp "$load_jar" \
      io.waitline.load.FeedMemoryBenchmark --base-url "$base" --username bench-admin --feeds "$FEEDMEM_FEEDS" \
      --view "$FEEDMEM_VIEW" --protocol "$FEEDMEM_PROTOCOL" --rounds "$FEEDMEM_ROUNDS" --server-pid "$server_pid" --max-seconds "$MAX_SECONDS" \
      --out "$out/feedmem-$label.json" >"$out/feedmem-$label.log" 2>&1 || rc=$?
    stop_server
    if [[ -f $out/feedmem-$label.json && $rc -le 1 ]]; then
      feedmem_results+=("$label=$out/feedmem-$label.json")
    else
      echo "feed memory ($label): the run did not finish (exit $rc; see $out/feedmem-$label.log)" >&2
      tail -5 "$out/feedmem-$label.log" >&2
    fi
  done
fi

# Runs benchmark class $2 on a fresh server as run "$1" with the class's own options after them; sets run_result (the
# JSON result, when the run finished) and run_failed (its exit code 1: it finished, but a check failed).
run_on_fresh_server() {
  local name=$1 class=$2 rc=0
  shift 2
  start_server "$name"
  WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java -cp "$load_jar" "io.waitline.load.$class" \
    --base-url "$base" --username bench-admin --max-seconds "$MAX_SECONDS" "$@" \
    --out "$out/$name.json" >"$out/$name.log" 2>&1 || rc=$?
  stop_server
  run_result=; run_failed=
  if [[ -f $out/$name.json && $rc -le 1 ]]; then
    run_result=$out/$name.json
    [[ $rc -eq 0 ]] || run_failed=1
  else
    echo "$name: the run did not finish (exit $rc; see $out/$name.log)" >&2
    tail -5 "$out/$name.log" >&2
  fi
}

display_results=()
display_note=
if [[ " $BENCH " == *" display "* ]]; then
  for line in $DISPLAY_LINES; do
    for size in $DISPLAY_SIZES; do
      name=display-$size-$line
      echo "== display: $size feeds, $line waiting" >&2
      start_server "$name"
      bare_port=$(free_port)
      java -cp "$load_jar" io.waitline.load.BareBroadcastServer "$bare_port" >"$out/bare-$name.log" 2>&1 &
      bare_pid=$!
      for _ in $(seq 1 60); do grep -q listening "$out/bare-$name.log" && break; sleep 0.5; done
      note_transport "bare broadcast" "$(grep -o 'network transport: [a-z_]*' "$out/bare-$name.log" | cut -d' ' -f3)"
      rc=0
      # shellcheck disable=SC2086
      WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java $CLIENT_JAVA_OPTS \
        -Xlog:gc:file="$out/client-gc-$name.log":time,uptime -cp "$load_jar" \
        io.waitline.load.DisplayFanOutBenchmark --base-url "$base" --username bench-admin --server-pid "$server_pid" \
        --bare-url "http://127.0.0.1:$bare_port" --bare-pid "$bare_pid" --feeds "$size" --line "$line" \
        --warmup "$DISPLAY_WARMUP" --calls "$DISPLAY_CALLS" --max-seconds "$MAX_SECONDS" --out "$out/$name.json" >"$out/$name.log" 2>&1 || rc=$?
      kill "$bare_pid"; wait "$bare_pid" 2>/dev/null || true
      stop_server
      if finished "$name" $rc; then
        display_results+=("$out/$name.json")
      else
        display_note="$size feeds with $line waiting did not finish (see $out/$name.log); larger sizes were not run."
        break
      fi
    done
  done
fi

# A KRaft broker on loopback as queue-core's KafkaTestBroker starts it (same jars, same settings); sets kafka_servers.
start_broker() {
  local cp=$PWD/$out/kafka.classpath props port controller
  timeout 600 mvn -B -q -pl queue-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >&2
  broker_dir=$(mktemp -d /tmp/waitline-kafka.XXXXXX)
  port=$(free_port); controller=$(free_port)
  props=$broker_dir/server.properties
  cat >"$props" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$broker_dir/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  java -cp "$(cat "$cp")" kafka.tools.StorageTool format -c "$props" \
    -t "$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" >"$out/kafka-broker.log" 2>&1
  java -Xmx512m -cp "$(cat "$cp")" kafka.Kafka "$props" >>"$out/kafka-broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.5; done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "The Kafka broker did not start; see $out/kafka-broker.log" >&2; return 1; }
  kafka_servers=127.0.0.1:$port
}

# Node B on node A's embedded PostgreSQL (read from A's log line "Database jdbc:postgresql://…:PORT/waitline ready").
start_node_b() {
  local port pg_port log=$out/server-$1-b.log
  pg_port=$(grep -o 'jdbc:postgresql://[^ ]*/waitline ready' "$out/server-$1.log" | head -1 | sed 's|.*:\([0-9]*\)/waitline ready|\1|')
  port=$(free_port)
  node_b_dir=$(mktemp -d /tmp/waitline-bench-b.XXXXXX)
  base_b=http://127.0.0.1:$port
  # shellcheck disable=SC2086
  WAITLINE_DATA_DIR=$node_b_dir WAITLINE_HTTP_HOST=127.0.0.1 WAITLINE_HTTP_PORT=$port WAITLINE_PUBLIC_URL=$base_b \
    DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:$pg_port/waitline KAFKA_BOOTSTRAP_SERVERS=$kafka_servers \
    WAITLINE_MAX_CONNECTIONS_PER_ADDRESS=1000000 java -XX:-DontCompileHugeMethods $SERVER_JAVA_OPTS -jar "$server_jar" >"$log" 2>&1 &
  node_b_pid=$!
  for _ in $(seq 1 240); do
    curl -fs --max-time 2 "$base_b/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$node_b_pid" 2>/dev/null || { echo "Node B stopped while starting; see $log" >&2; return 1; }
    sleep 0.5
  done
  echo "Node B did not become ready within 120 s; see $log" >&2; return 1
}

kafka_results=()
kafka_note=
if [[ " $BENCH " == *" kafka "* ]]; then
  kafka_load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  start_broker
  export KAFKA_BOOTSTRAP_SERVERS=$kafka_servers
  start_server kafka
  unset KAFKA_BOOTSTRAP_SERVERS
  start_node_b kafka
  for size in $KAFKA_FEEDS; do
    for where in a b; do
      name=kafka-$size-$where
      [[ $where == a ]] && { feeds_url=$base; feeds_pid=$server_pid; } || { feeds_url=$base_b; feeds_pid=$node_b_pid; }
      echo "== kafka: $size display feeds on node ${where^^}, calls on node A, $KAFKA_LINE waiting" >&2
      rc=0
      WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java -cp "$load_jar" \
        io.waitline.load.DisplayFanOutBenchmark --base-url "$base" --feeds-url "$feeds_url" --username bench-admin \
        --server-pid "$feeds_pid" --feeds "$size" --line "$KAFKA_LINE" --calls "$KAFKA_CALLS" \
        --max-seconds "$MAX_SECONDS" --out "$out/$name.json" >"$out/$name.log" 2>&1 || rc=$?
      if finished "$name" $rc; then
        kafka_results+=("$out/$name.json")
      else
        kafka_note="$size feeds on node ${where^^} did not finish (see $out/$name.log); larger sizes were not run."
        break 2
      fi
    done
  done
  kafka_load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  stop_kafka_nodes
  stop_server
fi

import_result=
import_note=
if [[ " $BENCH " == *" import "* ]]; then
  echo "== import: FHIR $IMPORT_SIZES appointments, CSV $CSV_ROWS rows, $IMPORT_QUEUES queues" >&2
  run_on_fresh_server import ImportBenchmark --sizes "$IMPORT_SIZES" --queues "$IMPORT_QUEUES" --csv-rows "$CSV_ROWS" \
    --parse-seconds "$IMPORT_PARSE_SECONDS"
  import_result=$run_result
  if [[ -z $run_result ]]; then import_note="The run did not finish (see $out/import.log)."
  elif [[ -n $run_failed ]]; then import_note="Some appointments or rows were not applied (see the table and $run_result)."
  fi
fi

insights_result=
insights_note=
if [[ " $BENCH " == *" insights "* ]]; then
  echo "== insights: a year of $INSIGHTS_VISITS visits, then GET /insights, $INSIGHTS_ROUNDS rounds" >&2
  rollup_seconds=5 # the node rolls the generated days up soon after they are written
  start_server insights
  rollup_seconds=
  pg_port=$(sed -n 4p "$data_dir/pg/postmaster.pid" 2>/dev/null || true)
  year_pg() { psql -X -At -h localhost -p "$pg_port" -U postgres -d waitline "$@"; }
  rc=0
  generated=$SECONDS
  if [[ -n $pg_port ]] && command -v psql >/dev/null \
      && year_pg -v visits="$INSIGHTS_VISITS" -v site=year -f load-tests/insights-year.sql >"$out/insights-year.log" 2>&1; then
    generate_seconds=$((SECONDS - generated))
    IFS='|' read -r year_visits _ last_day < <(tail -1 "$out/insights-year.log")
    database_mib=$(year_pg -c "SELECT pg_database_size('waitline') / 1048576")
    echo "generated $year_visits visits up to $last_day in $generate_seconds s ($database_mib MiB)" >&2
    # the last day is read live (it closes a day later); every day before it from the rollup, once rolled up
    rolled_through=$(date -d "$last_day - 1 day" +%F)
    waited=$SECONDS
    until [[ $(year_pg -c "SELECT rolled_through >= '$rolled_through' FROM insight_rollup WHERE site_id = 'year'") == t ]]; do
      (( SECONDS - waited < MAX_SECONDS )) || { echo "The year was not rolled up within $MAX_SECONDS s" >&2; break; }
      sleep 1
    done
    rollup_seconds_taken=$((SECONDS - waited))
    echo "rolled up through $rolled_through within $rollup_seconds_taken s" >&2
    WAITLINE_BENCH_PASSWORD=$password timeout $((MAX_SECONDS + 60)) java -cp "$load_jar" \
      io.waitline.load.InsightsBenchmark --base-url "$base" --username bench-admin --site year \
      --last-day "$last_day" --visits "$year_visits" --rounds "$INSIGHTS_ROUNDS" --max-seconds "$MAX_SECONDS" \
      --out "$out/insights-run.json" >"$out/insights.log" 2>&1 || rc=$?
    if [[ -f $out/insights-run.json ]]; then
      jq --argjson s "$generate_seconds" --argjson mib "$database_mib" --argjson r "$rollup_seconds_taken" \
        --arg through "$rolled_through" '. + {generateSeconds: $s, databaseMib: $mib, rollupSeconds: $r, rolledThrough: $through}' \
        "$out/insights-run.json" >"$out/insights.json"
    fi
  else
    rc=2
    echo "The year could not be generated (see $out/insights-year.log)" >"$out/insights.log"
  fi
  stop_server
  run_outcome insights "$rc" "The year's total did not count every visit generated (see $out/insights.json)."
  insights_result=$run_result; insights_note=$run_note
fi

machine() { # the machine and the build measured
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "$(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(java -version 2>&1 | head -1);"
  echo "\`$(uname -a)\`."
  [[ -z $transports ]] || echo "Network transport (Netty): $transports."
  echo "Server and benchmark client run on this same machine and share its cores; PostgreSQL is the server's embedded"
  local checkout
  checkout=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
  if [[ -n $(git status --porcelain 2>/dev/null) ]]; then checkout+=" with uncommitted changes"; fi
  if [[ -n ${SERVER_JAR:-} ]]; then # the jar does not record its commit: name the jar, and what the checkout is
    echo "one, in processes of its own. Server: \`$SERVER_JAR\` (built $(date -u -r "$SERVER_JAR" '+%Y-%m-%d %H:%M UTC'));"
    echo "benchmark client ${LOAD_JAR:+\`$LOAD_JAR\`, run }from the checkout at Waitline $checkout."
  else
    echo "one, in processes of its own. Waitline $checkout."
  fi
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

table_end() { # a section's table rows from result file $1 by function $2, the note $3, the interpretation file $4
  [[ -z $1 ]] || "$2" "$1"
  echo
  [[ -z $3 ]] || { echo "- $3"; echo; }
  if [[ -f $4 ]]; then cat "$4"; fi
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
  table_end "$desk_result" desk_row "$desk_note" load-tests/interpretation-desks.md
}

feedmem_section() {
  echo "## Feed memory: what open and closed live feeds cost"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')."
  machine
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=feedmem FEEDMEM_FEEDS=$FEEDMEM_FEEDS FEEDMEM_ROUNDS=$FEEDMEM_ROUNDS FEEDMEM_VIEW=$FEEDMEM_VIEW FEEDMEM_PROTOCOL=$FEEDMEM_PROTOCOL FEEDMEM_JARS=\"${FEEDMEM_JARS:-this-build=$server_jar}\")\`"
  echo
  echo "Per build: a fresh server; $FEEDMEM_FEEDS $FEEDMEM_VIEW feeds (protocol $FEEDMEM_PROTOCOL) of one queue opened at once over"
  echo "loopback, each offering permessage-deflate as browsers do, left idle, then closed; $FEEDMEM_ROUNDS rounds. Server JVM"
  echo "resident set (VmRSS) in MiB, each read after 3 s of quiet; live heap from \`jcmd <pid> GC.class_histogram\` (after"
  echo "a full collection). Per idle feed: (open − baseline) ÷ feeds."
  echo
  echo "| build | compression agreed | RSS baseline | RSS round 1 open → closed | round 2 | round 3 | live heap baseline (MiB) | heap per idle feed, round 1 / 2 / 3 (KiB) | RSS per idle feed, round 1 (KiB) | feeds failed |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for r in "${feedmem_results[@]}"; do
    jq -r --arg build "${r%%=*}" '
      def mib(x): (x / 1024 | floor | tostring);
      def kib(x): if x == null then "–" else (x / 1024 * 10 | round / 10 | tostring) end;
      "| \($build) | \(.compressionNegotiated) | \(mib(.rssBaselineKib)) | " + ([.rounds[] | "\(mib(.rssOpenKib)) → \(mib(.rssClosedKib))"] | join(" | "))
        + " | \(if .liveHeapBaselineBytes == null then "–" else mib(.liveHeapBaselineBytes / 1024) end) | "
        + ([.rounds[] | kib(.heapPerFeedBytes)] | join(" / ")) + " | \(.rounds[0].rssPerFeedKib * 10 | round / 10) | \(.failedFeeds) |"' "${r#*=}"
  done
  echo
  if [[ -f load-tests/interpretation-feedmem.md ]]; then cat load-tests/interpretation-feedmem.md; fi
  echo
}

display_section() {
  echo "## Display screens at scale: Waitline beside a bare Vert.x broadcast"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')."
  machine
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=display DISPLAY_SIZES=\"$DISPLAY_SIZES\" DISPLAY_LINES=\"$DISPLAY_LINES\" DISPLAY_WARMUP=$DISPLAY_WARMUP DISPLAY_CALLS=$DISPLAY_CALLS$jar_setting)\`"
  echo
  echo "Per size and line: a fresh server; that many display feeds (protocol 2) of one queue with that many waiting (a"
  echo "check-in after each call keeps it so); $DISPLAY_WARMUP calls not measured, then $DISPLAY_CALLS measured from the REST call-next to"
  echo "the call's frame on the last screen. In the same run, against a bare Vert.x WebSocket server (one instance per"
  echo "core, no database): as many clients, as many frames of the call frame's size. Frames/s: clients ÷ the median"
  echo "time to the last. Fan-out alone: from the first client's frame to the last's (Waitline's call → last also holds"
  echo "the REST call-next and the event's trip to the feeds; the bare side's, the broadcast request). Idle feed: (open and"
  echo "idle − before) ÷ feeds; live heap from \`jcmd GC.class_histogram\` (the histograms beside the results in $out). CPU"
  echo "per call: what the benchmark client's JVM and the server's JVM used from a measured call to its last frame, in"
  echo "brackets the part spent in the kernel (\`/proc\` stime: system calls; on loopback a write also runs the TCP work of"
  echo "the socket it reaches). The"
  echo "screens of both sides are one lean client (\`ScreenSockets\`: java.nio, 2 selector threads, only each frame's type"
  echo "and seq read)."
  echo
  echo "| feeds | waiting | bytes per call frame | Waitline call → last p50 / p99 / max (ms) | bare p50 / p99 / max (ms) | frames/s Waitline / bare (ratio) | Waitline call → first p50; first → last p50 / p99 (ms) | bare first → last p50 / p99 (ms) | fan-out frames/s Waitline / bare (ratio) | CPU per call, client (kernel) / server (kernel) (ms): Waitline; bare | RSS per idle feed Waitline / bare (KiB) | heap per idle feed Waitline / bare (KiB) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${display_results[@]}"; do
    jq -r '
      def l(x): "\(x.toLastMs.p50) / \(x.toLastMs.p99) / \(x.toLastMs.max)";
      def f(x): "\(x.firstToLastMs.p50) / \(x.firstToLastMs.p99)";
      def c(x): "\(x.cpuMsPerCall.client) (\(x.systemCpuMsPerCall.client // "–")) / \(x.cpuMsPerCall.server) (\(x.systemCpuMsPerCall.server // "–"))";
      "| \(.feeds) | \(.line) | \(.waitline.bytesPerFrame) | \(l(.waitline)) | \(l(.bare)) | \(.waitline.framesPerSecond) / \(.bare.framesPerSecond) (\(.framesPerSecondRatio)) | \(.waitline.toFirstMs.p50); \(f(.waitline)) | \(f(.bare)) | \(.waitline.fanOutFramesPerSecond) / \(.bare.fanOutFramesPerSecond) (\(.fanOutFramesPerSecondRatio)) | \(c(.waitline)); \(c(.bare)) | \(.waitline.rssPerIdleFeedKib) / \(.bare.rssPerIdleFeedKib) | \(.waitline.heapPerIdleFeedKib) / \(.bare.heapPerIdleFeedKib) |"' "$r"
  done
  echo
  if [[ -n $display_note ]]; then echo "$display_note"; echo; fi
  if [[ -f load-tests/interpretation-display.md ]]; then cat load-tests/interpretation-display.md; fi
  echo
}

kafka_section() {
  echo "## Two nodes through Kafka: a call on node A, the screens on node B"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC'); load average (1, 5, 15 min) $kafka_load_before before, $kafka_load_after after."
  machine
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=kafka KAFKA_FEEDS=\"$KAFKA_FEEDS\" KAFKA_LINE=$KAFKA_LINE KAFKA_CALLS=$KAFKA_CALLS$jar_setting)\`"
  echo
  echo "One KRaft broker (queue-core's test broker: the kafka_2.13 jars, in a JVM of its own); node A with its embedded"
  echo "PostgreSQL, node B on A's database, both with \`KAFKA_BOOTSTRAP_SERVERS\` (each relays and consumes; one relay"
  echo "publishes). Per size: that many display feeds (protocol 2) of a new queue with $KAFKA_LINE waiting, first on node A"
  echo "(the calling node's own events go to its screens at once), then on node B (each event reaches B only through"
  echo "the topic: A's or B's relay publishes it after commit, B's consumer hands it to B's screens). 3 calls not"
  echo "measured, then $KAFKA_CALLS, each made on node A over REST, measured to the call's frame on the last screen."
  echo
  echo "| feeds | screens on | call → last screen p50 / p99 / max (ms) | call → each screen p50 / p99 (ms) | bytes per call frame |"
  echo "|---|---|---|---|---|"
  for r in "${kafka_results[@]}"; do
    jq -r '"| \(.feeds) | \(if .twoNodes then "node B (through Kafka)" else "node A (the calling node)" end) | \(.waitline.toLastMs.p50) / \(.waitline.toLastMs.p99) / \(.waitline.toLastMs.max) | \(.waitline.toEachMs.p50) / \(.waitline.toEachMs.p99) | \(.waitline.bytesPerFrame) |"' "$r"
  done
  echo
  if [[ -n $kafka_note ]]; then echo "$kafka_note"; echo; fi
  if [[ -f load-tests/interpretation-kafka.md ]]; then cat load-tests/interpretation-kafka.md; fi
  echo
}

mllp_row() { # one table row per window and sender count of the result file
  jq -r '.runs[] | "| \(.senders) | \(.window // 1) | \(.accepted) | \(.messagesPerSecond) | \(.latencyMs.p50) / \(.latencyMs.p90) / \(.latencyMs.p99) / \(.latencyMs.max) | \(.errors) |"' "$1"
}

mllp_section() {
  echo "## HL7 v2 over MLLP: bookings acknowledged after commit"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')."
  machine
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=mllp MLLP_SENDERS=\"$MLLP_SENDERS\" MLLP_WINDOWS=\"$MLLP_WINDOWS\" MLLP_SECONDS=$MLLP_SECONDS SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\"$jar_setting)\`"
  echo
  echo "One fresh server with its MLLP listener; each sender is an hl7v2-mllp source of its own on one connection,"
  echo "sending v2.5.1 SIU^S12 bookings (a new appointment and a new patient each) with a window of messages in flight:"
  echo "1 sends one at a time and waits for each AA (lock-step), more pipelines them on the connection as interface engines"
  echo "do. Each AA comes only once the booking's entry, patient and inbox row are committed, in the order sent. Each row"
  echo "is $MLLP_SECONDS s after 5 s of warm-up; latency from sending a message to its AA, in ms as p50 / p90 / p99 / max."
  echo
  echo "| senders | window | accepted (AA) | messages/s | latency | errors |"
  echo "|---|---|---|---|---|---|"
  table_end "$mllp_result" mllp_row "$mllp_note" load-tests/interpretation-mllp.md
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

command_row() { # the table row of the result file: Waitline, pgbench, and Waitline per pgbench
  jq -r '
    def per(s; n): if s == null or n == 0 then null else s / n end;
    def delta(x; k): if x == null or x.before == null then null else x.after[k] - x.before[k] end;
    def f(x; d): if x == null then "–" else ((x * d | round) / d | tostring) end;
    def lat(x): if x.count == 0 then "–" else "\(x.p50) / \(x.p99)" end;
    def cpu(x; k; n): if x == null or x.before.cpu == null then null else per((x.after.cpu[k] - x.before.cpu[k]) * 1000; n) end;
    def ratio(c; t): f(c / t; 100) + "×";
    (.pgbench) as $pg | (.pgbenchAfter) as $pa | (.probe) as $w | ($pg.transactions) as $tx |
    (if $pg == null then null elif $pa == null then $pg.tps else ($pg.tps + $pa.tps) / 2 end) as $mean |
    "| \(.clients) | \(.commandsPerSecond) | \(f($pg.tps; 1))\(if $pa == null then "" else " / " + f($pa.tps; 1) end) | \(if $pg == null then "–" elif $pa == null then ratio(.commandsPerSecond; $pg.tps) else "**" + ratio(.commandsPerSecond; $mean) + "** (" + ratio(.commandsPerSecond; $pg.tps) + " / " + ratio(.commandsPerSecond; $pa.tps) + ")" end) | \(f(per(delta($w; "xactCommit"); .commands); 100)) / \(f(per(delta($pg; "xactCommit"); $tx); 100)) | \(f(per(delta($w; "rowsRead"); .commands); 10)) / \(f(per(delta($pg; "rowsRead"); $tx); 10)) | \(f(per(delta($w; "walBytes"); .commands); 1)) / \(f(per(delta($pg; "walBytes"); $tx); 1)) | \(f(cpu($w; "server"; .commands); 100)) (\(f(cpu($w; "serverJit"; .commands); 100))) / \(f(cpu($w; "postgres"; .commands); 100)) / \(f(cpu($w; "client"; .commands); 100)) | \(f(cpu($pg; "postgres"; $tx); 100)) / \(f(cpu($pg; "client"; $tx); 100)) | \(lat(.latencyMs.checkIn)) | \(lat(.latencyMs.callNext)) | \(.errors) |"' "$1"
}

commands_section() {
  echo "## Commands: check-in and call-next beside pgbench"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')."
  machine
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=commands COMMAND_CLIENTS=$COMMAND_CLIENTS COMMAND_SECONDS=$COMMAND_SECONDS COMMAND_WARMUP=$COMMAND_WARMUP SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\"$jar_setting)\`"
  echo
  echo "One fresh server with its embedded PostgreSQL. First pgbench (tpcb-like, scale 1, $COMMAND_CLIENTS clients, 2 threads,"
  echo "$COMMAND_SECONDS s) in a database of its own on that same PostgreSQL; then, after $COMMAND_WARMUP s of warm-up, $COMMAND_CLIENTS HTTP clients, each"
  echo "on a queue of its own, each checking a walk-in in and calling next in a loop for $COMMAND_SECONDS s (a check-in and a call-next are"
  echo "two commands); then pgbench once more, as before. pgbench's rate moves by up to half between runs a few minutes"
  echo "apart on this machine (its 4 clients queue on one branch row through each commit's flush, so it follows the disk),"
  echo "so Waitline's rate is divided by the mean of the two runs around it, and by each. Commits, rows read (\`tup_returned + tup_fetched\`) and WAL per Waitline command and per pgbench"
  echo "transaction are the differences of \`pg_stat_database\` (the \`waitline\` and \`pgbench\` databases) and \`pg_stat_wal\`"
  echo "around each run (pgbench's: the first run's), read after 11 s of quiet so PostgreSQL has published them. A commit here is any transaction,"
  echo "read-only ones included. CPU is read from \`/proc\` around the same runs: the server's JVM (in brackets, the part its"
  echo "JIT compiler threads took: warming up, which pgbench has no share of), PostgreSQL (all its processes, the ended ones"
  echo "included) and the client (the benchmark's JVM; pgbench's own, by time(1)). Latency in ms as p50 / p99."
  echo
  echo "| clients | Waitline commands/s | pgbench tps, before / after Waitline | commands/s ÷ tps: of their mean (of each) | commits per command / per pgbench tx | rows read per command / per tx | WAL bytes per command / per tx | CPU ms per command: server (JIT) / PostgreSQL / client | CPU ms per pgbench tx: PostgreSQL / client | check-in | call-next | errors |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  table_end "$command_result" command_row "$command_note" load-tests/interpretation-commands.md
}

import_rows() { # one table row per FHIR import, then the CSV upload's
  jq -r '
    def counts(c): [c | to_entries[] | select(.value > 0) | "\(.key) \(.value)"] | join(", ");
    (.fhir[] | "| FHIR R4 source | \(.appointments) | \(.seconds) | **\(.appointmentsPerSecond)** | \(counts(.counts)) |"),
    ((.hapiParseAlone // [])[] | "| HAPI'"'"'s parse alone of the last import'"'"'s pages, \(.threads) thread(s) | \(.appointments) | \(.seconds) | **\(.appointmentsPerSecond)** | \(.cpuMicrosPerAppointment) µs of CPU an appointment |"),
    (.csv | select(. != null) | "| CSV upload (one file, one request) | \(.rows) | \(.seconds) | **\(.rowsPerSecond)** | \(counts(.outcomes)) |")' "$1"
}

import_section() {
  echo "## Import: appointments from a FHIR source and a CSV upload"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')."
  machine
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=import IMPORT_SIZES=$IMPORT_SIZES IMPORT_QUEUES=$IMPORT_QUEUES IMPORT_PARSE_SECONDS=$IMPORT_PARSE_SECONDS CSV_ROWS=$CSV_ROWS SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\"$jar_setting)\`"
  echo
  echo "One fresh server. Per size, a new FHIR R4 source (created over the API, first sync started by the server's"
  echo "scheduler) reads that many booked appointments, each with its own patient (name, birth date, MRN, phone), from a"
  echo "HAPI FHIR \`RestfulServer\` in the benchmark process (\`Appointment?date=…&_include=Appointment:patient&_sort=_lastUpdated\`,"
  echo "paged with \`next\` links), routed by location to $IMPORT_QUEUES queues. That server encodes every page once before the"
  echo "import and then serves the kept texts, so its own work does not share the cores with the import (the import still"
  echo "reads, parses and applies every page). Its time is the server's: the source's"
  echo "\`lastAttemptAt\` to \`lastSuccessAt\` in its health, fetching and parsing the pages included. The CSV upload is one"
  echo "\`POST /api/v1/sources/{id}/files\` of $CSV_ROWS new rows, timed from sending it to the report."
  echo "The rows *HAPI's parse alone* are the ceiling of any import through HAPI's model on these cores: once the last"
  echo "import is done and the server idle, the benchmark's JVM parses that import's pages with HAPI (\`parseResource(Bundle.class, …)\`,"
  echo "a parser per page as HAPI's client makes one per response) on 1 and on 2 threads, nothing else: no HTTP, no"
  echo "mapping, no database; counted after as long again of warm-up."
  echo
  echo "| import | appointments | seconds | appointments/s | outcomes |"
  echo "|---|---|---|---|---|"
  table_end "$import_result" import_rows "$import_note" load-tests/interpretation-import.md
}

insights_rows() { # one table row per range and filter
  jq -r '.requests[] | "| \(.range) (\(.days) d) | \(.filter) | \(.visits) | \(.dailyRows) | \(.firstMs) | \(.latencyMs.p50) | \(.latencyMs.max) | \(if .underOneSecond then "yes" else "**no**" end) |"' "$1"
}

insights_section() {
  echo "## Insights: any range of a year of a busy clinic"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')."
  machine
  echo
  echo "Command: \`load-tests/run.sh  (BENCH=insights INSIGHTS_VISITS=$INSIGHTS_VISITS INSIGHTS_ROUNDS=$INSIGHTS_ROUNDS SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\"$jar_setting)\`"
  echo
  [[ -z $insights_result ]] || jq -r '"One fresh server. `load-tests/insights-year.sql` wrote, with psql into its embedded PostgreSQL, \(.yearVisits) visits of one site over the 365 local days up to \(.lastDay) (Europe/London, four queues) in \(.generateSeconds) s; the database then held \(.databaseMib) MiB. The node, rolling up every 5 s, had copied every day through \(.rolledThrough) into its daily rollup within \(.rollupSeconds) s; the last day was read live from the views."' "$insights_result"
  echo "Each visit is what queue-core's commands leave: its entry with the patient's details, its status transitions and"
  echo "the event that put it in line with the estimate shown. Each range ends on that last day; each range and filter"
  echo "was asked $INSIGHTS_ROUNDS times in a row by one client, over HTTP with an API token, timed from sending the request to"
  echo "the whole JSON answer (ms). \"Visits\" is the answer's total, \"daily rows\" its per-queue days."
  echo
  echo "| range | filter | visits | daily rows | first ms | p50 ms | max ms | under 1 s |"
  echo "|---|---|---|---|---|---|---|---|"
  table_end "$insights_result" insights_rows "$insights_note" load-tests/interpretation-insights.md
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
if [[ -n $command_result || -n $command_note ]]; then
  commands_section >"$section"
  replace_section "Commands" "$section"
fi
if [[ -n $mllp_result || -n $mllp_note ]]; then
  mllp_section >"$section"
  replace_section "HL7 v2 over MLLP" "$section"
fi
if [[ ${#display_results[@]} -gt 0 || -n $display_note ]]; then
  display_section >"$section"
  replace_section "Display screens at scale" "$section"
fi
if [[ ${#kafka_results[@]} -gt 0 || -n $kafka_note ]]; then
  kafka_section >"$section"
  replace_section "Two nodes through Kafka" "$section"
fi
if [[ ${#feedmem_results[@]} -gt 0 ]]; then
  feedmem_section >"$section"
  replace_section "Feed memory" "$section"
fi
if [[ -n $import_result || -n $import_note ]]; then
  import_section >"$section"
  replace_section "Import" "$section"
fi
if [[ -n $insights_result || -n $insights_note ]]; then
  insights_section >"$section"
  replace_section "Insights" "$section"
fi
rm -f "$section"
echo "Wrote $REPORT" >&2
