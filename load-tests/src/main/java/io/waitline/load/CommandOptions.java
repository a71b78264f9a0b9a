package io.waitline.load;

import java.util.List;
import java.util.Map;

/** Command-line settings of {@link CommandBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record CommandOptions(String baseUrl, String username, String password, String site, int clients, int seconds,
    int warmupSeconds, int settleSeconds, String probe, long maxSeconds, String out)
    implements BenchmarkRun.Settings {

  static final String USAGE = """
      CommandBenchmark --base-url http://127.0.0.1:8080 --username admin [options]
        --password P          the staff account's password (or env WAITLINE_BENCH_PASSWORD)
        --site main           the site to create the benchmark's own queues in
        --clients 4           HTTP clients, each on a queue of its own, each checking in and calling next in a loop
        --seconds 20          how long the clients run, measured
        --warmup-seconds 5    the same loop before the measured run, not reported
        --settle-seconds 11   quiet time before each probe, so PostgreSQL has published its statistics
        --probe 'CMD'         a shell command run before and after the measured run; its output (JSON, e.g. the
                              database's pg_stat_database row) goes into the result as probe.before / probe.after
        --max-seconds 900     the whole run stops after this, whatever happens
        --out result.json     also write the result as JSON
      """;

  private static final List<String> KNOWN = List.of("base-url", "username", "password", "site", "clients", "seconds",
      "warmup-seconds", "settle-seconds", "probe", "max-seconds", "out");

  static CommandOptions parse(String[] args, Map<String, String> env) {
    Args a = new Args(args, KNOWN);
    CommandOptions o = new CommandOptions(a.baseUrl(), a.required("username"), a.password(env), a.get("site", "main"),
        a.count("clients", 4), a.count("seconds", 20), a.count("warmup-seconds", 5), a.count("settle-seconds", 11),
        a.get("probe", null), a.count("max-seconds", 900), a.get("out", null));
    if (o.clients() < 1 || o.clients() > 26) throw new IllegalArgumentException("--clients must be from 1 to 26");
    if (o.seconds() < 1) throw new IllegalArgumentException("--seconds must be at least 1");
    return o;
  }
}
