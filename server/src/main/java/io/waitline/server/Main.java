package io.waitline.server;

import io.waitline.queue.SimulatedWaitEstimator;
import io.waitline.queue.replay.ReplayEstimatesCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar waitline.jar}: one node with the configuration from the environment; {@code java -jar waitline.jar
 * replay-estimates --trace day.jsonl --out day.csv} replays a clinic day through the server's estimator instead.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals(ReplayEstimatesCommand.NAME)) {
      PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true);
      System.exit(ReplayEstimatesCommand.run(args, new SimulatedWaitEstimator(), err));
    }
    try {
      WaitlineServer server = new WaitlineServer(Config.load(System.getenv())).start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.stop();
        } catch (Exception e) {
          LOG.warn("Error while stopping", e);
        }
      }, "waitline-shutdown"));
    } catch (EmbeddedDatabase.StartFailure e) {
      LOG.error(e.getMessage());
      LOG.debug("Start-up failure in detail", e);
      System.exit(1);
    } catch (IllegalArgumentException e) {
      LOG.error("Configuration error: {}", e.getMessage());
      System.exit(2);
    } catch (Exception | LinkageError e) {
      // a class missing from a broken jar ends the process too, rather than leaving it running half-started
      LOG.error("Waitline could not start", e);
      System.exit(1);
    }
  }
}
