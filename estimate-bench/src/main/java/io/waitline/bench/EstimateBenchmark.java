package io.waitline.bench;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.SimulatedWaitEstimator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wait-estimate benchmark. {@code tune}: scores a small grid of the estimator's shared constants on the training
 * days (seeds 1–5 of each profile) and prints it. {@code report}: simulates the unseen test days (seeds 101–110 of each
 * profile), writes their traces under {@code target/traces}, scores the estimators and baselines on them and writes the
 * report (default {@code ../docs/estimates.md}).
 */
public final class EstimateBenchmark {
  private static final long[] TRAIN = {1, 2, 3, 4, 5};
  private static final long[] TEST = {101, 102, 103, 104, 105, 106, 107, 108, 109, 110};

  private EstimateBenchmark() {}

  public static void main(String[] args) throws IOException {
    String mode = args.length > 0 ? args[0] : "report";
    if (mode.startsWith("tune")) {
      tune(mode.equals("tune"));
      return;
    }
    Path out = Path.of(args.length > 1 ? args[1] : "../docs/estimates.md");
    Path traces = Path.of("target/traces");
    Files.createDirectories(traces);
    long started = System.nanoTime();
    Scorer scorer = new Scorer();
    int days = 0;
    for (ClinicDaySimulator.Profile profile : ClinicDaySimulator.Profile.values()) {
      for (long seed : TEST) {
        List<JsonObject> day = new ClinicDaySimulator(profile, seed).run();
        Files.write(traces.resolve(profile.wire() + "-" + seed + ".jsonl"), day.stream().map(JsonObject::encode)
            .toList());
        scorer.score(day, new SimulatedWaitEstimator(), new ServiceTimeEstimator());
        days++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Files.writeString(out, Report.markdown(scorer, days, seconds, SimulatedWaitEstimator.Parameters.LEARNED,
        ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), machine()));
    System.out.println("Wrote " + out + " (" + days + " days, " + String.format(Locale.ROOT, "%.0f", seconds) + " s)");
  }

  /** With {@code grid} false, scores only the learned constants (a quick check). */
  private static void tune(boolean grid) {
    PrintWriter out = new PrintWriter(System.out, true);
    out.println("halfLife drift absent | MAE (rolling avg) | P90 cov 1 / 2–3 / 4–7 / 8+ | range | moves");
    var learned = SimulatedWaitEstimator.Parameters.LEARNED;
    for (double halfLife : grid ? new double[] {60, 120} : new double[] {learned.halfLifeMinutes()}) {
      for (double drift : grid ? new double[] {0.0, 0.05, 0.1} : new double[] {learned.drift()}) {
        var params = new SimulatedWaitEstimator.Parameters(halfLife, learned.priorWeight(), drift,
            learned.absentMinutes(), learned.seed());
        Scorer scorer = new Scorer();
        for (ClinicDaySimulator.Profile profile : ClinicDaySimulator.Profile.values()) {
          for (long seed : TRAIN) {
            scorer.score(new ClinicDaySimulator(profile, seed).run(), new SimulatedWaitEstimator(params),
                new ServiceTimeEstimator());
          }
        }
        Map<String, Scorer.Tally> t = scorer.tallies.get(Scorer.SIMULATED);
        out.printf(Locale.ROOT, "%5.0f %5.2f %4.0f | %5.2f (%5.2f) | %5.1f / %5.1f / %5.1f / %5.1f | %5.1f | %4.2f%n",
            halfLife, drift, params.absentMinutes(), t.get("all").mae(), scorer.tally(Scorer.ROLLING, "all").mae(),
            t.get("pos 1").p90Coverage(), t.get("pos 2–3").p90Coverage(), t.get("pos 4–7").p90Coverage(),
            t.get("pos 8+").p90Coverage(), t.get("all").rangeShare(), t.get("all").meanMove());
        for (ClinicDaySimulator.Profile profile : ClinicDaySimulator.Profile.values()) {
          Scorer.Tally p = t.get("profile " + profile.wire());
          out.printf(Locale.ROOT, "    %-10s MAE %5.2f bias %5.2f (rolling %5.2f, v1 %5.2f) P90 %5.1f%n",
              profile.wire(), p.mae(), p.bias(), scorer.tally(Scorer.ROLLING, "profile " + profile.wire()).mae(),
              scorer.tally(Scorer.V1, "profile " + profile.wire()).mae(), p.p90Coverage());
        }
        if (!grid) {
          t.forEach((group, x) -> {
            if (group.chars().filter(c -> c == ' ').count() == 2) {
              out.printf(Locale.ROOT, "    %-22s n %6d MAE %5.2f bias %6.2f (rolling %5.2f) P90 %5.1f%n", group, x.n,
                  x.mae(), x.bias(), scorer.tally(Scorer.ROLLING, group).mae(), x.p90Coverage());
            }
          });
        }
      }
    }
  }

  private static String machine() {
    return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
  }
}
