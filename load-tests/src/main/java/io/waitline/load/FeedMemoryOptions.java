package io.waitline.load;

import java.util.List;
import java.util.Map;

/** Command-line settings of {@link FeedMemoryBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record FeedMemoryOptions(String baseUrl, String username, String password, String queue, String view, int protocol,
    int feeds, int rounds, int settleSeconds, Long serverPid, long maxSeconds, String out) implements BenchmarkRun.Settings {

  static final String USAGE = """
      FeedMemoryBenchmark --base-url http://127.0.0.1:8080 --username admin --server-pid PID [options]
        --password P          the staff account's password (or env WAITLINE_BENCH_PASSWORD)
        --queue general       the queue whose feed every connection opens
        --view staff          staff (as a desk) or display (as a waiting-room screen)
        --protocol 1          the feed protocol: 1 (every event with the whole line) or 2 (deltas)
        --feeds 2000          feeds opened at once in each round, each offering permessage-deflate as browsers do
        --rounds 3            how many times the feeds are opened and closed
        --settle-seconds 3    quiet time before each memory reading
        --server-pid PID      the server's process, whose resident set (VmRSS) and live heap (jcmd) are read
        --max-seconds 900     the whole run stops after this, whatever happens
        --out result.json     also write the result as JSON
      """;

  private static final List<String> KNOWN = List.of("base-url", "username", "password", "queue", "view", "protocol",
      "feeds", "rounds",
      "settle-seconds", "server-pid", "max-seconds", "out");

  static FeedMemoryOptions parse(String[] args, Map<String, String> env) {
    Args a = new Args(args, KNOWN);
    FeedMemoryOptions o = new FeedMemoryOptions(a.baseUrl(), a.required("username"), a.password(env),
        a.get("queue", "general"), a.get("view", "staff"), a.count("protocol", 1), a.count("feeds", 2000), a.count("rounds", 3), a.count("settle-seconds", 3),
        (long) a.count("server-pid", 0), a.count("max-seconds", 900), a.get("out", null));
    if (o.feeds() < 1) throw new IllegalArgumentException("--feeds must be at least 1");
    if (!List.of("staff", "display").contains(o.view())) throw new IllegalArgumentException("--view: staff or display");
    if (o.protocol() != 1 && o.protocol() != 2) throw new IllegalArgumentException("--protocol: 1 or 2");
    if (o.serverPid() == 0) throw new IllegalArgumentException("--server-pid is required (its VmRSS is the result)");
    return o;
  }
}
