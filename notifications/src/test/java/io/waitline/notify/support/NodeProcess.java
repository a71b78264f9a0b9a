package io.waitline.notify.support;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.waitline.notify.Notifications;
import io.waitline.notify.channel.Resilience;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.store.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A notifications node in a JVM of its own, for tests that kill it for real (SIGKILL): it reads the event log once,
 * starts sending what it claimed with SMS only (one try) and keeps running until killed. Its calls are never given
 * up on before the test kills it, however slow the machine: the time limit is a minute, its lease {@link #LEASE}, which
 * the surviving node sees run out when the test moves that node's clock past it.
 */
public final class NodeProcess {
  /** How long the node's claim on a message lasts, on its clock. */
  public static final Duration LEASE = Duration.ofMinutes(2);
  private static final Duration TIME_LIMIT = Duration.ofMinutes(1);

  private NodeProcess() {}

  /** Starts a node on {@code db}, sending SMS to the Twilio at {@code twilioUrl}, on a clock set to {@code now}. */
  public static Process start(PgConnectOptions db, String twilioUrl, Instant now) throws IOException {
    Path log = Files.createTempFile("notify-node", ".log");
    log.toFile().deleteOnExit();
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), NodeProcess.class.getName(),
        db.getHost(), String.valueOf(db.getPort()), db.getDatabase(), db.getUser(), db.getPassword(), twilioUrl,
        now.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  public static void main(String[] args) {
    List<String> a = List.of(args);
    PgConnectOptions db = new PgConnectOptions().setHost(a.get(0)).setPort(Integer.parseInt(a.get(1)))
        .setDatabase(a.get(2)).setUser(a.get(3)).setPassword(a.get(4));
    Vertx vertx = Vertx.vertx();
    Pool pool = TestDatabase.pool(vertx, db, 4);
    Resilience oneTry = new Resilience(50, 10, 6, Duration.ofMillis(800), 2, 1, Duration.ofMillis(20), 0.5,
        TIME_LIMIT, 10, 100, Duration.ofMillis(100));
    Notifications node = Notifications.builder(vertx, pool, NotifyWorld.config())
        .clock(TestClock.running(Instant.parse(a.get(6))))
        .worker("node-a")
        .timings(LEASE, Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofSeconds(1))
        .channel(Channels.twilio(vertx, a.get(5), TIME_LIMIT), oneTry).build();
    node.reader().poll().onComplete(ar -> node.dispatcher().poll());
  }
}
