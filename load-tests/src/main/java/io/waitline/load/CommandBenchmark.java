package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.waitline.load.Feeds.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Command throughput of a running Waitline server, over HTTP only: {@code --clients} clients, each with a queue of
 * its own, each checking a walk-in in and calling them, one request at a time, as fast as the server answers. What
 * it measures is the cost of a command from HTTP to a committed transaction, to compare with pgbench on the same
 * PostgreSQL; {@code --probe} lets the caller read the database's statistics around the measured run.
 */
public final class CommandBenchmark {
  private final CommandOptions o;
  private final Vertx vertx;
  private final Api api;
  private final String runId = UUID.randomUUID().toString().substring(0, 6);

  private CommandBenchmark(CommandOptions o, Vertx vertx) {
    this.o = o;
    this.vertx = vertx;
    this.api = new Api(WebClient.create(vertx), o.baseUrl());
  }

  public static void main(String[] args) throws Exception {
    BenchmarkRun.main(args, CommandOptions.USAGE, CommandOptions::parse,
        (o, vertx) -> new CommandBenchmark(o, vertx).run(), result -> result.getLong("errors") == 0);
  }

  private JsonObject run() throws Exception {
    String started = Instant.now().toString();
    api.signIn(o.username(), o.password());
    List<String> queues = new ArrayList<>();
    for (int q = 0; q < o.clients(); q++) {
      String id = "commands-" + runId + "-" + q;
      api.createQueue(o.site(), id, "C" + (char) ('A' + q));
      queues.add(id);
    }
    if (o.warmupSeconds() > 0) loop(queues, o.warmupSeconds());
    JsonObject before = probe();
    JsonObject measured = loop(queues, o.seconds());
    JsonObject after = probe();
    return measured.put("started", started).put("baseUrl", o.baseUrl()).put("site", o.site())
        .put("clients", o.clients()).put("probe", new JsonObject().put("before", before).put("after", after));
  }

  /** Every client checks in and calls next on its own queue for {@code seconds}. */
  private JsonObject loop(List<String> queues, int seconds) throws Exception {
    Errors errors = new Errors();
    List<CommandClient> clients = new ArrayList<>();
    for (int c = 0; c < queues.size(); c++) {
      clients.add(new CommandClient(vertx, o.baseUrl(), api.token(), queues.get(c), "Desk " + (c + 1), errors));
    }
    long startNanos = System.nanoTime();
    clients.forEach(CommandClient::start);
    Thread.sleep(seconds * 1000L);
    Future.all(clients.stream().map(CommandClient::stop).toList()).await(Api.TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
    double elapsed = (System.nanoTime() - startNanos) / 1e9;

    LatencyStats checkIns = LatencyStats.merged(clients.stream().map(client -> client.checkIns).toList());
    LatencyStats calls = LatencyStats.merged(clients.stream().map(client -> client.calls).toList());
    long commands = checkIns.count() + calls.count();
    double perSecond = Math.round(commands / elapsed * 10) / 10.0;
    log("%d clients: %d commands in %.1f s (%.1f/s), %d errors", queues.size(), commands, elapsed, perSecond,
        errors.count());
    return new JsonObject().put("seconds", Math.round(elapsed * 10) / 10.0).put("commands", commands)
        .put("commandsPerSecond", perSecond)
        .put("latencyMs", new JsonObject().put("checkIn", checkIns.toJson()).put("callNext", calls.toJson()))
        .put("errors", errors.count()).put("errorSamples", new JsonArray(new ArrayList<>(errors.samples())));
  }

  /** After {@code --settle-seconds} of quiet, the output of {@code --probe} as JSON; null without a probe. */
  private JsonObject probe() throws IOException, InterruptedException {
    if (o.probe() == null) return null;
    Thread.sleep(o.settleSeconds() * 1000L);
    Process p = new ProcessBuilder("bash", "-c", o.probe()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("the probe failed: " + out);
    }
    return new JsonObject(out);
  }
}
