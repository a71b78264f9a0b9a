package io.waitline.load;

import java.util.List;
import java.util.Map;

/** Command-line settings of {@link FanOutBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record Options(String baseUrl, String username, String password, String site, int displays, int staff, int visits,
    int calls, int warmup, long pauseMs, long cycleTimeoutMs, long maxSeconds, Long serverPid, String out)
    implements BenchmarkRun.Settings {

  static final String USAGE = """
      FanOutBenchmark --base-url http://127.0.0.1:8080 --username admin [options]
        --password P          the staff account's password (or env WAITLINE_BENCH_PASSWORD)
        --site main           the site to create the benchmark's own queue in
        --displays 10         display feeds  (/ws/queues/{q}?view=display, one paired display device)
        --staff 10            staff feeds    (/ws/queues/{q}?view=staff, the API token)
        --visits 80           patients waiting, each with its own visit feed (/ws/visits/{token})
        --calls 50            measured call-next cycles
        --warmup 5            cycles before those, not measured
        --pause-ms 500        quiet time after each cycle, so the server settles before the next call
        --cycle-timeout-ms 30000   how long a call's event may take to reach every feed before it counts as lost
        --max-seconds 900     the whole run stops after this, whatever happens
        --server-pid PID      read the server's resident memory from /proc/PID/status
        --out result.json     also write the result as JSON
      """;

  private static final List<String> KNOWN = List.of("base-url", "username", "password", "site", "displays", "staff",
      "visits", "calls", "warmup", "pause-ms", "cycle-timeout-ms", "max-seconds", "server-pid", "out");

  static Options parse(String[] args, Map<String, String> env) {
    Args a = new Args(args, KNOWN);
    Options o = new Options(a.baseUrl(), a.required("username"), a.password(env), a.get("site", "main"),
        a.count("displays", 10), a.count("staff", 10), a.count("visits", 80), a.count("calls", 50),
        a.count("warmup", 5), a.count("pause-ms", 500), a.count("cycle-timeout-ms", 30_000),
        a.count("max-seconds", 900), a.get("server-pid", null) == null ? null : (long) a.count("server-pid", 0),
        a.get("out", null));
    if (o.calls() < 1) throw new IllegalArgumentException("--calls must be at least 1");
    return o;
  }

  int feeds() {
    return displays + staff + visits;
  }
}
