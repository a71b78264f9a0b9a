package io.waitline.queue.replay;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.Lineup;
import io.waitline.queue.WaitEstimator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code replay-estimates --trace day.jsonl --out day.csv}: writes the estimates the server would have shown during a
 * recorded day, one row per (event, waiting entry with an estimate): {@code seq,t,queue,entry,p50_seconds,p90_seconds}.
 * No database, no server.
 */
public final class ReplayEstimatesCommand {
  public static final String NAME = "replay-estimates";

  private ReplayEstimatesCommand() {}

  /** Runs the command; answers the process exit code (0 done, 2 bad arguments or trace). */
  public static int run(String[] args, WaitEstimator estimator, PrintWriter err) {
    Path trace = null;
    Path out = null;
    for (int i = 1; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--trace" -> trace = value == null ? null : Path.of(value);
        case "--out" -> out = value == null ? null : Path.of(value);
        default -> {
          err.println("Unknown option '" + args[i] + "'. Usage: " + NAME + " --trace day.jsonl --out day.csv");
          return 2;
        }
      }
      i++;
    }
    if (trace == null || out == null) {
      err.println("Usage: " + NAME + " --trace day.jsonl --out day.csv");
      return 2;
    }
    if (!Files.isReadable(trace)) {
      err.println("Cannot read the trace file " + trace + ".");
      return 2;
    }
    try {
      int rows = replay(trace, out, estimator);
      err.println("Wrote " + rows + " estimates to " + out + ".");
      return 0;
    } catch (IllegalArgumentException | io.vertx.core.json.DecodeException e) {
      err.println("The trace " + trace + " is not a valid waitline-wait-trace/1 file: " + e.getMessage());
      return 2;
    }
  }

  /** Replays {@code trace} into the CSV {@code out}; answers the number of estimate rows. */
  public static int replay(Path trace, Path out, WaitEstimator estimator) {
    int[] rows = {0};
    try (BufferedReader in = Files.newBufferedReader(trace, StandardCharsets.UTF_8);
        PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      csv.println("seq,t,queue,entry,p50_seconds,p90_seconds");
      EstimateReplay replay = new EstimateReplay(estimator);
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) continue;
        try {
          replay.accept(new JsonObject(line), m -> {
            for (Lineup.Place p : m.lineup().places()) {
              if (p.estimate() == null) continue;
              csv.println(m.seq() + "," + m.t() + "," + m.queue() + "," + m.traceIds().get(p.entry().id()) + ","
                  + p.estimate().p50Minutes() * 60 + "," + p.estimate().p90Minutes() * 60);
              rows[0]++;
            }
          });
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows[0];
  }
}
