package io.waitline.load;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Command-line settings of {@link FanOutBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record Options(String baseUrl, String username, String password, String site, int displays, int staff, int visits,
    int calls, int warmup, long pauseMs, long cycleTimeoutMs, long maxSeconds, Long serverPid, String out) {

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
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || !KNOWN.contains(arg.substring(2))) {
        throw new IllegalArgumentException("unknown option " + arg);
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(arg + " needs a value");
      a.put(arg.substring(2), args[++i]);
    }
    String baseUrl = required(a, "base-url").replaceAll("/+$", "");
    String password = a.getOrDefault("password", env.get("WAITLINE_BENCH_PASSWORD"));
    if (password == null) throw new IllegalArgumentException("--password or WAITLINE_BENCH_PASSWORD is required");
    Options o = new Options(baseUrl, required(a, "username"), password, a.getOrDefault("site", "main"),
        count(a, "displays", 10), count(a, "staff", 10), count(a, "visits", 80), count(a, "calls", 50),
        count(a, "warmup", 5), count(a, "pause-ms", 500), count(a, "cycle-timeout-ms", 30_000),
        count(a, "max-seconds", 900), a.containsKey("server-pid") ? (long) count(a, "server-pid", 0) : null,
        a.get("out"));
    if (o.calls() < 1) throw new IllegalArgumentException("--calls must be at least 1");
    return o;
  }

  int feeds() {
    return displays + staff + visits;
  }

  private static String required(Map<String, String> a, String name) {
    String v = a.get(name);
    if (v == null) throw new IllegalArgumentException("--" + name + " is required");
    return v;
  }

  private static int count(Map<String, String> a, String name, int fallback) {
    String v = a.get(name);
    if (v == null) return fallback;
    try {
      int n = Integer.parseInt(v);
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number of zero or more, got '" + v + "'");
    }
  }
}
