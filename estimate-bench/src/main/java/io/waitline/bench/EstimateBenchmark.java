package io.waitline.bench;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.SimulatedWaitEstimator;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wait-estimate benchmark. {@code tune}: scores a small grid of the estimator's shared constants on the training
 * days (seeds 1–5 of each profile) and prints it. {@code report}: simulates the unseen test days (seeds 101–110 of each
 * profile), writes their traces under {@code target/traces}, scores the estimators and baselines on them and writes the
 * report (default {@code ../docs/estimates.md}), with the headline figures of four more sets of unseen days. {@code check
 * <first seed>}: the headline figures of ten unseen days of each profile from that seed.
 */
public final class EstimateBenchmark {
  private static final long[] TRAIN = {1, 2, 3, 4, 5};
  private static final long[] TEST = {101, 102, 103, 104, 105, 106, 107, 108, 109, 110};
  /** The first seeds of four more sets of ten unseen days, scored for the headline figures only. */
  private static final long[] OTHER_UNSEEN = {201, 301, 401, 501};

  private EstimateBenchmark() {}

  public static void main(String[] args) throws IOException {
    String mode = args.length > 0 ? args[0] : "report";
    if (mode.startsWith("tune")) {
      tune(mode.equals("tune"));
      return;
    }
    if (mode.equals("check")) {
      System.out.println(check(Long.parseLong(args.length > 1 ? args[1] : "201")));
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
    List<String> otherDays = new ArrayList<>();
    for (long first : OTHER_UNSEEN) otherDays.add(check(first));
    double seconds = (System.nanoTime() - started) / 1e9;
    Files.writeString(out, Report.markdown(scorer, days, otherDays, seconds, SimulatedWaitEstimator.Parameters.LEARNED,
        ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), machine()));
    System.out.println("Wrote " + out + " (" + days + " days, " + String.format(Locale.ROOT, "%.0f", seconds) + " s)");
  }

  /**
   * With {@code grid} false, scores only the learned constants (a quick check); with it, the learned constants and
   * each constant varied on its own around them.
   */
  private static void tune(boolean grid) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true);
    out.println("halfLife drift absent leave/h | MAE (rolling avg) | P90 cov 1 / 2–3 / 4–7 / 8+ | range | moves");
    var learned = SimulatedWaitEstimator.Parameters.LEARNED;
    List<SimulatedWaitEstimator.Parameters> candidates = new ArrayList<>(List.of(learned));
    if (grid) {
      for (double halfLife : new double[] {60, 240}) candidates.add(learned.withHalfLifeMinutes(halfLife));
      for (double drift : new double[] {0.0, 0.1}) candidates.add(learned.withDrift(drift));
      for (double leave : new double[] {0, 0.3, 0.8}) candidates.add(learned.withWalkInLeavesPerHour(leave));
    }
    for (SimulatedWaitEstimator.Parameters params : candidates) {
      Scorer scorer = new Scorer();
      for (ClinicDaySimulator.Profile profile : ClinicDaySimulator.Profile.values()) {
        for (long seed : TRAIN) {
          scorer.score(new ClinicDaySimulator(profile, seed).run(), new SimulatedWaitEstimator(params),
              new ServiceTimeEstimator());
        }
      }
      Map<String, Scorer.Tally> t = scorer.tallies.get(Scorer.SIMULATED);
      out.printf(Locale.ROOT, "%5.0f %5.2f %4.0f %4.2f | %5.2f (%5.2f) | %5.1f / %5.1f / %5.1f / %5.1f | %5.1f | %4.2f%n",
          params.halfLifeMinutes(), params.drift(), params.absentMinutes(), params.walkInLeavesPerHour(),
          t.get("all").mae(), scorer.tally(Scorer.ROLLING, "all").mae(), t.get("pos 1").p90Coverage(),
          t.get("pos 2–3").p90Coverage(), t.get("pos 4–7").p90Coverage(), t.get("pos 8+").p90Coverage(),
          t.get("all").rangeShare(), t.get("all").meanMove());
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

  /**
   * Scores the learned constants on another ten unseen days of each profile (seeds {@code first} to {@code first + 9}):
   * the report's headline figures as a table row, to show how much they depend on the report's particular days.
   */
  static String check(long first) {
    Scorer scorer = new Scorer();
    for (ClinicDaySimulator.Profile profile : ClinicDaySimulator.Profile.values()) {
      for (long seed = first; seed < first + TEST.length; seed++) {
        scorer.score(new ClinicDaySimulator(profile, seed).run(), new SimulatedWaitEstimator(),
            new ServiceTimeEstimator());
      }
    }
    Map<String, Scorer.Tally> t = scorer.tallies.get(Scorer.SIMULATED);
    double rolling = scorer.tally(Scorer.ROLLING, "all").mae();
    return String.format(Locale.ROOT, "| %d–%d | %.1f | %.1f | %.0f %% | %.1f / %.1f / %.1f / %.1f %% | %.1f %% |",
        first, first + TEST.length - 1, t.get("all").mae(), rolling, 100 * (1 - t.get("all").mae() / rolling),
        t.get("pos 1").p90Coverage(), t.get("pos 2–3").p90Coverage(), t.get("pos 4–7").p90Coverage(),
        t.get("pos 8+").p90Coverage(), t.get("all").rangeShare());
  }

  private static String machine() {
    return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
  }
}
