package io.waitline.load;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * What every benchmark's {@code main} does around its run: options (exit 64 with the usage when wrong), a watchdog
 * for {@code --max-seconds} (exit 3), the JSON result on stdout and in {@code --out}, and the exit code: 0 passed,
 * 1 finished with failed checks, 2 could not finish.
 */
final class BenchmarkRun {
  private BenchmarkRun() {
  }

  /** The settings every benchmark has. */
  interface Settings {
    long maxSeconds();

    String out();
  }

  /** One benchmark run against the server, yielding its result. */
  interface Body<O> {
    JsonObject run(O options, Vertx vertx) throws Exception;
  }

  static <O extends Settings> void main(String[] args, String usage,
      BiFunction<String[], Map<String, String>, O> parse, Body<O> body, Predicate<JsonObject> passed)
      throws Exception {
    O o;
    try {
      o = parse.apply(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n\n" + usage);
      System.exit(64);
      return;
    }
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(o.maxSeconds() * 1000);
        System.err.println("The run took longer than --max-seconds " + o.maxSeconds() + "; stopping.");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException done) {
        // finished in time
      }
    }, "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Vertx vertx = Vertx.vertx();
    int exit;
    try {
      JsonObject result = body.run(o, vertx);
      System.out.println(result.encodePrettily());
      if (o.out() != null) Files.writeString(Path.of(o.out()), result.encodePrettily() + "\n");
      exit = passed.test(result) ? 0 : 1;
    } catch (Api.ApiException | IllegalStateException | TimeoutException e) {
      System.err.println("Benchmark stopped: " + e.getMessage());
      exit = 2;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  /** Work of a benchmark's thread. */
  interface Work {
    void run() throws Exception;
  }

  /** A started thread running {@code work}; anything it throws is an error of the run, not a crash. */
  static Thread thread(Feeds.Errors errors, Work work) {
    Thread t = new Thread(() -> {
      try {
        work.run();
      } catch (Exception e) {
        errors.add(String.format(Locale.ROOT, "%s: %s", Thread.currentThread().getName(), e.getMessage()));
      }
    });
    t.start();
    return t;
  }

  static void log(String format, Object... args) {
    System.err.println(Instant.now() + " " + String.format(Locale.ROOT, format, args));
  }
}
