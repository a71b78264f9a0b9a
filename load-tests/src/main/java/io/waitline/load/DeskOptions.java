package io.waitline.load;

import java.util.List;
import java.util.Map;

/** Command-line settings of {@link DeskThroughputBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record DeskOptions(String baseUrl, String username, String password, String site, List<Integer> desks, int seconds,
    int warmupSeconds, int line, long maxSeconds, String out) implements BenchmarkRun.Settings {

  static final String USAGE = """
      DeskThroughputBenchmark --base-url http://127.0.0.1:8080 --username admin [options]
        --password P          the staff account's password (or env WAITLINE_BENCH_PASSWORD)
        --site main           the site to create the benchmark's own queues in
        --desks 1,2,4,8       numbers of desks; each runs once on one queue and (from 2) once with a queue per desk
        --seconds 20          how long the desks call in each of those runs
        --warmup-seconds 5    two desks on one queue before the measured runs, not reported
        --line 20             patients kept waiting in each queue by the check-in stream
        --max-seconds 900     the whole run stops after this, whatever happens
        --out result.json     also write the result as JSON
      """;

  private static final List<String> KNOWN = List.of("base-url", "username", "password", "site", "desks", "seconds",
      "warmup-seconds", "line", "max-seconds", "out");

  static DeskOptions parse(String[] args, Map<String, String> env) {
    Args a = new Args(args, KNOWN);
    DeskOptions o = new DeskOptions(a.baseUrl(), a.required("username"), a.password(env), a.get("site", "main"),
        a.counts("desks", List.of(1, 2, 4, 8)), a.count("seconds", 20), a.count("warmup-seconds", 5),
        a.count("line", 20), a.count("max-seconds", 900), a.get("out", null));
    if (o.desks().isEmpty() || o.desks().contains(0) || o.desks().stream().anyMatch(k -> k > 26)) {
      throw new IllegalArgumentException("--desks must list numbers from 1 to 26");
    }
    if (o.seconds() < 1 || o.line() < 1) throw new IllegalArgumentException("--seconds and --line must be at least 1");
    return o;
  }
}
