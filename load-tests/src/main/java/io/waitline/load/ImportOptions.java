package io.waitline.load;

import java.util.List;
import java.util.Map;

/** Command-line settings of {@link ImportBenchmark}; {@code --name value} pairs, see {@link #USAGE}. */
record ImportOptions(String baseUrl, String username, String password, String site, List<Integer> sizes,
    int queues, int csvRows, int parseSeconds, long maxSeconds, String out) implements BenchmarkRun.Settings {

  static final String USAGE = """
      ImportBenchmark --base-url http://127.0.0.1:8080 --username admin [options]
        --password P          the staff account's password (or env WAITLINE_BENCH_PASSWORD)
        --site main           the site to create the benchmark's queues and sources in
        --sizes 10000,100000  appointments (each with its own patient) of each FHIR import, one source per size
        --queues 4            queues the appointments are routed to, by location
        --csv-rows 10000      rows of the CSV file uploaded once (0: no CSV upload)
        --parse-seconds 10    after the last FHIR import, HAPI alone parses its pages in this process for this long
                              on 1 and on 2 threads (after as long again of warm-up): the ceiling (0: not measured)
        --max-seconds 1800    the whole run stops after this, whatever happens
        --out result.json     also write the result as JSON
      """;

  private static final List<String> KNOWN = List.of("base-url", "username", "password", "site", "sizes", "queues",
      "csv-rows", "parse-seconds", "max-seconds", "out");

  static ImportOptions parse(String[] args, Map<String, String> env) {
    Args a = new Args(args, KNOWN);
    List<Integer> sizes = a.counts("sizes", List.of(10000, 100000));
    if (sizes.isEmpty() || sizes.contains(0)) throw new IllegalArgumentException("--sizes must be counts of at least 1");
    ImportOptions o = new ImportOptions(a.baseUrl(), a.required("username"), a.password(env), a.get("site", "main"),
        sizes, a.count("queues", 4), a.count("csv-rows", 10000), a.count("parse-seconds", 10), a.count("max-seconds", 1800), a.get("out", null));
    if (o.queues() < 1 || o.queues() > 26) throw new IllegalArgumentException("--queues must be from 1 to 26");
    if (o.csvRows() > 20000) throw new IllegalArgumentException("--csv-rows must be at most 20000 (one upload's limit)");
    return o;
  }
}
