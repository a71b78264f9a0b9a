package io.waitline.load;

import java.util.List;
import java.util.Map;

/** Command-line settings of {@link DisplayFanOutBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record DisplayOptions(String baseUrl, String feedsUrl, String username, String password, String site, int feeds,
    int line, int warmup, int calls, long serverPid, String bareUrl, long barePid, long cycleTimeoutMs, long maxSeconds,
    String out)
    implements BenchmarkRun.Settings {

  static final String USAGE = """
      DisplayFanOutBenchmark --base-url http://127.0.0.1:8080 --username admin --server-pid PID
          [--bare-url http://127.0.0.1:8081 --bare-pid PID] [options]
        --password P          the staff account's password (or env WAITLINE_BENCH_PASSWORD)
        --site main           the site to create the benchmark's own queue in
        --feeds-url URL       the node the feeds connect to (default: --base-url, where the calls are made); another
                              node of the same database, --server-pid then being its process
      Without --bare-url there is no bare side.
        --feeds 1000          display feeds of the queue (protocol 2), and as many bare broadcast clients
        --line 20             patients waiting throughout (one checks in after each call)
        --warmup 20           calls not measured first (the server's hot paths compiled), and as many broadcasts
        --calls 30            measured calls, and as many bare broadcasts
        --cycle-timeout-ms 60000   how long a frame may take to reach every client before the run fails
        --max-seconds 1800    the whole run stops after this, whatever happens
        --out result.json     also write the result as JSON
      The bare server is BareBroadcastServer; both servers' resident set and live heap are read through their pids.
      """;

  private static final List<String> KNOWN = List.of("base-url", "feeds-url", "username", "password", "site", "feeds",
      "line", "warmup", "calls", "server-pid", "bare-url", "bare-pid", "cycle-timeout-ms", "max-seconds", "out");

  static DisplayOptions parse(String[] args, Map<String, String> env) {
    Args a = new Args(args, KNOWN);
    DisplayOptions o = new DisplayOptions(a.baseUrl(), a.get("feeds-url", a.baseUrl()), a.required("username"),
        a.password(env), a.get("site", "main"), a.count("feeds", 1000), a.count("line", 20), a.count("warmup", 20),
        a.count("calls", 30),
        a.count("server-pid", 0), a.get("bare-url", null), a.count("bare-pid", 0),
        a.count("cycle-timeout-ms", 60_000), a.count("max-seconds", 1800), a.get("out", null));
    if (o.feeds() < 1 || o.line() < 1 || o.calls() < 1) {
      throw new IllegalArgumentException("--feeds, --line and --calls must be at least 1");
    }
    if (o.serverPid() == 0) throw new IllegalArgumentException("--server-pid is required");
    if (o.bareUrl() != null && o.barePid() == 0) throw new IllegalArgumentException("--bare-pid goes with --bare-url");
    return o;
  }
}
