package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What open and closed live feeds cost the server in memory: {@code --feeds} feeds of one queue ({@code --view},
 * {@code --protocol}) opened at once, each offering permessage-deflate as browsers do, then closed, {@code --rounds}
 * times; the server's resident set and live heap are read before, with the feeds open (idle: nothing happens on the
 * queue) and after they closed, and whether the server agreed to compress is noted.
 */
public final class FeedMemoryBenchmark {
  private static final int OPEN_AT_ONCE = 32;
  private final FeedMemoryOptions o;
  private final Vertx vertx;

  private FeedMemoryBenchmark(FeedMemoryOptions o, Vertx vertx) {
    this.o = o;
    this.vertx = vertx;
  }

  public static void main(String[] args) throws Exception {
    BenchmarkRun.main(args, FeedMemoryOptions.USAGE, FeedMemoryOptions::parse,
        (o, vertx) -> new FeedMemoryBenchmark(o, vertx).run(), result -> result.getInteger("failedFeeds") == 0);
  }

  private JsonObject run() throws Exception {
    String started = Instant.now().toString();
    Api api = new Api(WebClient.create(vertx), o.baseUrl());
    String token = api.signIn(o.username(), o.password());
    URI base = URI.create(o.baseUrl());
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setTryUsePerMessageCompression(true).setMaxConnections(o.feeds() + OPEN_AT_ONCE));
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
        .setURI("/ws/queues/" + o.queue() + "?view=" + o.view() + "&protocol=" + o.protocol() + "&access_token="
            + token);
    long baseline = settledRss();
    Long baselineHeap = ServerMemory.liveHeapBytes(o.serverPid());
    JsonArray rounds = new JsonArray();
    int failed = 0;
    Boolean compressed = null;
    for (int round = 1; round <= o.rounds(); round++) {
      List<WebSocket> open = new ArrayList<>();
      for (int i = 0; i < o.feeds(); i += OPEN_AT_ONCE) {
        List<Future<WebSocket>> batch = new ArrayList<>();
        for (int j = i; j < Math.min(o.feeds(), i + OPEN_AT_ONCE); j++) batch.add(openFeed(client, connect));
        for (Future<WebSocket> f : batch) {
          try {
            open.add(f.await(30, TimeUnit.SECONDS));
          } catch (Exception e) {
            failed++;
          }
        }
      }
      if (compressed == null && !open.isEmpty()) {
        String extensions = open.get(0).headers().get("Sec-WebSocket-Extensions");
        compressed = extensions != null && extensions.contains("permessage-deflate");
      }
      long withFeeds = settledRss();
      Long heapOpen = ServerMemory.liveHeapBytes(o.serverPid());
      for (WebSocket ws : open) ws.close();
      long closed = settledRss();
      Long heapClosed = ServerMemory.liveHeapBytes(o.serverPid());
      log("round %d: %d feeds open, RSS %d MiB open, %d MiB after closing; live heap %s open, %s after closing",
          round, open.size(), withFeeds / 1024, closed / 1024, heapOpen, heapClosed);
      rounds.add(new JsonObject().put("round", round).put("feedsOpened", open.size()).put("rssOpenKib", withFeeds)
          .put("rssClosedKib", closed).put("liveHeapOpenBytes", heapOpen).put("liveHeapClosedBytes", heapClosed)
          .put("heapPerFeedBytes", heapOpen == null || baselineHeap == null || open.isEmpty() ? null
              : (heapOpen - baselineHeap) / open.size())
          .put("rssPerFeedKib", open.isEmpty() ? null : (double) (withFeeds - baseline) / open.size()));
    }
    return new JsonObject().put("started", started).put("baseUrl", o.baseUrl()).put("feeds", o.feeds())
        .put("view", o.view()).put("protocol", o.protocol()).put("compressionNegotiated", compressed)
        .put("rssBaselineKib", baseline).put("liveHeapBaselineBytes", baselineHeap).put("rounds", rounds)
        .put("failedFeeds", failed);
  }

  /** Opens one feed and waits for its first message (the snapshot), so the server has done its work for it. */
  private Future<WebSocket> openFeed(WebSocketClient client, WebSocketConnectOptions connect) {
    return client.connect(connect).compose(ws -> {
      io.vertx.core.Promise<WebSocket> first = io.vertx.core.Promise.promise();
      ws.textMessageHandler(text -> first.tryComplete(ws));
      ws.closeHandler(v -> first.tryFail("closed before its snapshot"));
      return first.future();
    });
  }

  private long settledRss() throws InterruptedException {
    Thread.sleep(TimeUnit.SECONDS.toMillis(o.settleSeconds()));
    Long rss = ServerMemory.rssKib(o.serverPid());
    if (rss == null) throw new IllegalStateException("cannot read VmRSS of process " + o.serverPid());
    return rss;
  }
}
