package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.waitline.load.Feeds.Cycle;
import io.waitline.load.Feeds.Errors;
import io.waitline.load.Feeds.Feed;
import io.waitline.load.Feeds.QueueFeed;
import io.waitline.load.Feeds.VisitFeed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Fan-out latency of a running Waitline server, over the network only: the time from a front desk's "call next"
 * (REST) to the event arriving on every open feed — waiting-room displays, staff screens and each waiting patient's
 * own visit feed — plus the server's memory while it holds them.
 *
 * <p>It signs in with an API token, pairs one display device, creates its own queue on the site, checks in one
 * patient per visit feed, opens all feeds and waits for their first message. Each cycle then calls the first patient
 * (a unique {@code calledTo}), notes when each feed shows that call, marks the patient a no-show and checks in a new
 * one (with a new visit feed) so the line stays the same length. Queue feeds are checked for seq continuity; a visit
 * feed that skips a position, or any feed that does not show the call within the cycle timeout, counts as lost.
 */
public final class FanOutBenchmark {
  private static final int OPEN_AT_ONCE = 32;

  private final Options o;
  private final Api api;
  private final WebSocketClient ws;
  private final Errors errors = new Errors();
  private final List<QueueFeed> queueFeeds = new ArrayList<>();
  /** Waiting patients in line order (all walk-ins of equal priority, so first come, first called). */
  private final List<Patient> waiting = new ArrayList<>();
  private final LatencyStats display = new LatencyStats();
  private final LatencyStats staff = new LatencyStats();
  private final LatencyStats visit = new LatencyStats();
  private final LatencyStats slowestFeed = new LatencyStats();
  private final LatencyStats callNextRest = new LatencyStats();
  private long missing;
  private long skipped;
  private long visitFeedsOpened;
  private String queueId;

  /** A waiting patient and, when the run has visit feeds, their feed. */
  private record Patient(String entryId, String token, VisitFeed feed) {}

  private FanOutBenchmark(Options o, Vertx vertx) {
    this.o = o;
    this.api = new Api(WebClient.create(vertx), o.baseUrl());
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(o.feeds() + 100)
        .setMaxMessageSize(64 * 1024 * 1024).setConnectTimeout((int) Api.TIMEOUT_MS));
  }

  public static void main(String[] args) throws Exception {
    BenchmarkRun.main(args, Options.USAGE, Options::parse, (o, vertx) -> new FanOutBenchmark(o, vertx).run(),
        result -> result.getLong("errors") == 0 && result.getJsonObject("lost").getLong("total") == 0);
  }

  private JsonObject run() throws Exception {
    String started = Instant.now().toString();
    String staffToken = api.signIn(o.username(), o.password());
    String displayToken = api.pairDisplay(o.site(), "Benchmark display");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    queueId = "bench-" + suffix;
    api.createQueue(o.site(), queueId, "Z");
    int patients = Math.max(o.visits(), 1); // call-next needs someone waiting even without visit feeds
    for (int i = 0; i < patients; i++) waiting.add(checkIn(false));
    log("queue %s: %d patients waiting", queueId, patients);
    JsonObject memBefore = memory();

    long openStart = System.nanoTime();
    List<Supplier<Future<?>>> opens = new ArrayList<>();
    for (int i = 0; i < o.displays(); i++) opens.add(queueFeed("display", "display", displayToken));
    for (int i = 0; i < o.staff(); i++) opens.add(queueFeed("staff", "staff", staffToken));
    if (o.visits() > 0) {
      for (int i = 0; i < waiting.size(); i++) {
        Patient p = waiting.get(i);
        VisitFeed f = new VisitFeed(p.entryId(), errors);
        waiting.set(i, new Patient(p.entryId(), p.token(), f));
        opens.add(() -> Feeds.connect(ws, o.baseUrl(), "/ws/visits/" + p.token(), null).map(s -> {
          f.attach(s);
          return s;
        }));
      }
    }
    openAll(opens);
    for (QueueFeed f : queueFeeds) awaitLatch(f.snapshot, "the snapshot of a " + f.kind + " feed");
    for (Patient p : waiting) {
      if (p.feed() != null) awaitLatch(p.feed().first, "the first message of a visit feed");
    }
    visitFeedsOpened = o.visits();
    double openSeconds = (System.nanoTime() - openStart) / 1e9;
    log("%d feeds open and synced in %.1f s", o.feeds(), openSeconds);
    JsonObject memOpen = memory();

    int cycles = o.warmup() + o.calls();
    for (int n = 1; n <= cycles; n++) {
      cycle(n, n > o.warmup());
      if (n % 10 == 0 || n == cycles) log("cycle %d/%d", n, cycles);
    }
    long finalSeq = api.queueSeq(queueId);
    settle(finalSeq);
    JsonObject memLoaded = memory();

    List<Future<Void>> closes = new ArrayList<>();
    for (QueueFeed f : queueFeeds) closes.add(f.close());
    for (Patient p : waiting) {
      if (p.feed() != null) closes.add(p.feed().close());
    }
    Future.join(closes).await(Api.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Thread.sleep(3000); // let the server notice the closes and drop the sessions
    JsonObject memClosed = memory();

    return result(started, openSeconds, finalSeq, memBefore, memOpen, memLoaded, memClosed);
  }

  /** One call-next, measured when {@code measured}; then a no-show and a new check-in keep the line as long. */
  private void cycle(int n, boolean measured) throws Exception {
    Patient head = waiting.get(0);
    int visitFeeds = 0;
    for (Patient p : waiting) {
      if (p.feed() != null) visitFeeds++;
    }
    Cycle c = new Cycle(head.entryId(), "Desk " + n, queueFeeds.size() + visitFeeds);
    for (QueueFeed f : queueFeeds) f.cycle = c;
    for (int i = 0; i < waiting.size(); i++) {
      VisitFeed f = waiting.get(i).feed();
      if (f != null) {
        f.expectPosition = i; // the head (index 0) is called; everyone behind moves up one place
        f.cycle = c;
      }
    }
    c.startNanos = System.nanoTime();
    JsonObject called = api.callNext(queueId, c.calledTo);
    long restNanos = System.nanoTime() - c.startNanos;
    if (!head.entryId().equals(called.getString("id"))) {
      throw new IllegalStateException("call-next called " + called.getString("ticket") + ", not the first in line");
    }
    boolean all = c.pending.await(o.cycleTimeoutMs(), TimeUnit.MILLISECONDS);
    for (QueueFeed f : queueFeeds) f.cycle = null;
    for (Patient p : waiting) {
      if (p.feed() != null) p.feed().cycle = null;
    }
    if (measured) {
      callNextRest.add(restNanos);
      long slowest = 0;
      for (QueueFeed f : queueFeeds) slowest = Math.max(slowest, record(c, f, f.kind.equals("display") ? display : staff));
      for (Patient p : waiting) {
        if (p.feed() != null) slowest = Math.max(slowest, record(c, p.feed(), visit));
      }
      if (all && c.wrong.isEmpty()) slowestFeed.add(slowest);
    }
    if (!all) log("cycle %d: %d feeds did not show the call within %d ms", n, c.pending.getCount(), o.cycleTimeoutMs());

    api.noShow(head.entryId());
    waiting.remove(0);
    Patient next = checkIn(head.feed() != null);
    waiting.add(next);
    if (next.feed() != null) awaitLatch(next.feed().first, "the first message of a new visit feed");
    settle(api.queueSeq(queueId));
    if (o.pauseMs() > 0) Thread.sleep(o.pauseMs());
  }

  /** Adds the feed's latency for this call to {@code stats} and yields it; counts it lost when it never came. */
  private long record(Cycle c, Feed f, LatencyStats stats) {
    Long at = c.arrivals.get(f);
    if (c.wrong.containsKey(f)) {
      skipped++;
      return 0;
    }
    if (at == null) {
      missing++;
      return 0;
    }
    long latency = at - c.startNanos;
    stats.add(latency);
    return latency;
  }

  /** A new walk-in; with {@code feed}, their visit feed is opened from the check-in's patient link. */
  private Patient checkIn(boolean feed) throws TimeoutException {
    JsonObject entry = api.checkIn(queueId, String.format(Locale.ROOT, "Bench Patient %05d", waiting.size()));
    String link = entry.getString("patientLink");
    String token = link.substring(link.lastIndexOf('/') + 1);
    if (!feed) return new Patient(entry.getString("id"), token, null);
    VisitFeed f = new VisitFeed(entry.getString("id"), errors);
    Feeds.connect(ws, o.baseUrl(), "/ws/visits/" + token, null).map(s -> {
      f.attach(s);
      return s;
    }).await(Api.TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
    visitFeedsOpened++;
    return new Patient(entry.getString("id"), token, f);
  }

  private Supplier<Future<?>> queueFeed(String kind, String view, String bearer) {
    QueueFeed f = new QueueFeed(kind, errors);
    queueFeeds.add(f);
    return () -> Feeds.connect(ws, o.baseUrl(), "/ws/queues/" + queueId + "?view=" + view, bearer).map(s -> {
      f.attach(s);
      return s;
    });
  }

  /** Opens the feeds {@link #OPEN_AT_ONCE} at a time, as a crowd of devices connecting would, not all in one burst. */
  private void openAll(List<Supplier<Future<?>>> opens) throws Exception {
    for (int i = 0; i < opens.size(); i += OPEN_AT_ONCE) {
      List<Future<?>> batch = new ArrayList<>();
      for (Supplier<Future<?>> open : opens.subList(i, Math.min(i + OPEN_AT_ONCE, opens.size()))) {
        batch.add(open.get().onFailure(err -> errors.add("opening a feed: " + err.getMessage())));
      }
      Future.join(batch).await(Api.TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
    }
    if (errors.count() > 0) throw new IllegalStateException(errors.count() + " feeds could not be opened: " + errors.samples());
  }

  /** Waits until every queue feed has seen the queue's events up to {@code seq}. */
  private void settle(long seq) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(o.cycleTimeoutMs());
    for (QueueFeed f : queueFeeds) {
      while (f.seqs.last() < seq && System.nanoTime() < deadline) Thread.sleep(2);
    }
  }

  private void awaitLatch(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(o.cycleTimeoutMs(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(what + " did not come within " + o.cycleTimeoutMs() + " ms");
    }
  }

  private JsonObject memory() {
    return ServerMemory.sample(o.serverPid(), api.metrics());
  }

  private JsonObject result(String started, double openSeconds, long finalSeq, JsonObject before, JsonObject open,
      JsonObject loaded, JsonObject closed) {
    long gaps = 0;
    long duplicates = 0;
    long resyncs = 0;
    long behind = 0;
    for (QueueFeed f : queueFeeds) {
      gaps += f.seqs.lost();
      duplicates += f.seqs.duplicates();
      resyncs += f.seqs.resyncs();
      if (f.seqs.last() < finalSeq) behind++;
    }
    long total = gaps + missing + skipped + behind;
    return new JsonObject()
        .put("started", started)
        .put("baseUrl", o.baseUrl())
        .put("queueId", queueId)
        .put("feeds", new JsonObject().put("display", o.displays()).put("staff", o.staff()).put("visit", o.visits())
            .put("total", o.feeds()).put("visitFeedsOpenedDuringRun", visitFeedsOpened))
        .put("calls", o.calls()).put("warmup", o.warmup()).put("pauseMs", o.pauseMs())
        .put("openAndSyncSeconds", Math.round(openSeconds * 10) / 10.0)
        .put("latencyMs", new JsonObject()
            .put("display", display.toJson()).put("staff", staff.toJson()).put("visit", visit.toJson())
            .put("slowestFeedPerCall", slowestFeed.toJson()).put("callNextResponse", callNextRest.toJson()))
        .put("lost", new JsonObject().put("total", total)
            .put("seqGaps", gaps).put("callNeverShown", missing).put("visitPositionSkipped", skipped)
            .put("feedsBehindAtEnd", behind))
        .put("duplicates", duplicates).put("resyncSnapshots", resyncs)
        .put("errors", errors.count()).put("errorSamples", new JsonArray(new ArrayList<>(errors.samples())))
        .put("memory", new JsonObject().put("beforeFeeds", before).put("feedsOpen", open)
            .put("afterCalls", loaded).put("afterClose", closed));
  }
}
