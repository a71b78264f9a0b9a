package io.waitline.load;

import java.util.List;
import java.util.Map;

/** Command-line settings of {@link MllpBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record MllpOptions(String baseUrl, String username, String password, String site, String mllpHost, int mllpPort,
    List<Integer> senders, List<Integer> windows, int seconds, int warmupSeconds, long maxSeconds, String out)
    implements BenchmarkRun.Settings {

  static final String USAGE = """
      MllpBenchmark --base-url http://127.0.0.1:8080 --username admin --mllp-port 2575 [options]
        --password P          the staff account's password (or env WAITLINE_BENCH_PASSWORD)
        --site main           the site to create the benchmark's queue and HL7 v2 sources in
        --mllp-host 127.0.0.1 where the server's MLLP listener is (WAITLINE_MLLP_PORT)
        --senders 1,4         one run per count: that many senders, each a source of its own on its own connection,
                              each sending SIU^S12 bookings
        --windows 1,32        one run per count and sender count: each sender keeps that many messages in flight on
                              its connection (1: one at a time, waiting for each AA; more: pipelined, as interface
                              engines do); ACKs come back in the order sent, each AA only after commit
        --seconds 20          how long each run is measured
        --warmup-seconds 5    the same loop before each measured run, not reported
        --max-seconds 900     the whole benchmark stops after this, whatever happens
        --out result.json     also write the result as JSON
      """;

  private static final List<String> KNOWN = List.of("base-url", "username", "password", "site", "mllp-host",
      "mllp-port", "senders", "windows", "seconds", "warmup-seconds", "max-seconds", "out");

  static MllpOptions parse(String[] args, Map<String, String> env) {
    Args a = new Args(args, KNOWN);
    MllpOptions o = new MllpOptions(a.baseUrl(), a.required("username"), a.password(env), a.get("site", "main"),
        a.get("mllp-host", "127.0.0.1"), a.count("mllp-port", 2575), a.counts("senders", List.of(1, 4)),
        a.counts("windows", List.of(1, 32)),
        a.count("seconds", 20), a.count("warmup-seconds", 5), a.count("max-seconds", 900), a.get("out", null));
    if (o.senders().stream().anyMatch(n -> n < 1 || n > 64)) {
      throw new IllegalArgumentException("--senders must be counts from 1 to 64");
    }
    if (o.windows().stream().anyMatch(n -> n < 1 || n > 256)) {
      throw new IllegalArgumentException("--windows must be counts from 1 to 256");
    }
    if (o.seconds() < 1) throw new IllegalArgumentException("--seconds must be at least 1");
    return o;
  }
}
