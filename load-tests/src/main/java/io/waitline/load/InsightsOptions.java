package io.waitline.load;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Command-line settings of {@link InsightsBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record InsightsOptions(String baseUrl, String username, String password, String site, LocalDate lastDay,
    long visits, int rounds, long maxSeconds, String out) implements BenchmarkRun.Settings {

  static final String USAGE = """
      InsightsBenchmark --base-url http://127.0.0.1:8080 --username admin --site S --last-day 2026-11-30 [options]
        --password P          the staff account's password (or env WAITLINE_BENCH_PASSWORD)
        --site S              the site whose year load-tests/insights-year.sql generated (its queues are S-1…S-4)
        --last-day D          the last local day of that year: every range ends on it
        --visits N            the visits generated, which the year's total must count (0: not checked)
        --rounds 5            how many times each range and filter is asked
        --max-seconds 900     the whole run stops after this, whatever happens
        --out result.json     also write the result as JSON
      """;

  private static final List<String> KNOWN = List.of("base-url", "username", "password", "site", "last-day",
      "visits", "rounds", "max-seconds", "out");

  static InsightsOptions parse(String[] args, Map<String, String> env) {
    Args a = new Args(args, KNOWN);
    LocalDate lastDay;
    try {
      lastDay = LocalDate.parse(a.required("last-day"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--last-day must be a date like 2026-11-30");
    }
    InsightsOptions o = new InsightsOptions(a.baseUrl(), a.required("username"), a.password(env),
        a.required("site"), lastDay, a.count("visits", 0), a.count("rounds", 5), a.count("max-seconds", 900),
        a.get("out", null));
    if (o.rounds() < 1) throw new IllegalArgumentException("--rounds must be at least 1");
    return o;
  }
}
