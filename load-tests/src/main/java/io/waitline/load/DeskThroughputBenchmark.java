package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.waitline.load.CallLedger.Called;
import io.waitline.load.Feeds.Errors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Command throughput of a running Waitline server, over the network only: K front desks calling "next" at the same
 * time, each as fast as it can (call next, start, complete, again), while a check-in stream (a client per desk)
 * keeps the line at {@code --line} waiting patients. Each number of desks runs once with every desk on one queue
 * (they queue for its row lock) and once with a queue per desk on the same site.
 *
 * <p>Every desk is an HTTP client of its own with its own {@code calledTo}. After each run the check-ins stop, the
 * lines are called empty, and {@link CallLedger} checks every answer against the check-ins and the queues' event
 * logs: no patient handed to two desks, none left uncalled, tickets unique, walk-ins called in arrival order.
 */
public final class DeskThroughputBenchmark {
  private static final int EVENTS_PAGE = 500;

  private final DeskOptions o;
  private final Vertx vertx;
  private final Api api;
  private final String runId = UUID.randomUUID().toString().substring(0, 6);
  private int runs;

  private DeskThroughputBenchmark(DeskOptions o, Vertx vertx) {
    this.o = o;
    this.vertx = vertx;
    this.api = new Api(WebClient.create(vertx), o.baseUrl());
  }

  public static void main(String[] args) throws Exception {
    BenchmarkRun.main(args, DeskOptions.USAGE, DeskOptions::parse,
        (o, vertx) -> new DeskThroughputBenchmark(o, vertx).run(),
        result -> result.getLong("errors") == 0 && result.getLong("problems") == 0);
  }

  private JsonObject run() throws InterruptedException {
    String started = Instant.now().toString();
    api.signIn(o.username(), o.password());
    if (o.warmupSeconds() > 0) desks(2, 1, o.warmupSeconds());
    JsonArray results = new JsonArray();
    long errors = 0;
    long problems = 0;
    for (int queues : List.of(1, 0)) {
      for (int k : o.desks()) {
        if (queues == 0 && k == 1) continue; // one desk on a queue of its own is the row above
        JsonObject r = desks(k, queues == 0 ? k : queues, o.seconds());
        results.add(r);
        errors += r.getLong("errors");
        problems += r.getJsonObject("checks").getLong("problems");
      }
    }
    return new JsonObject().put("started", started).put("baseUrl", o.baseUrl()).put("site", o.site())
        .put("line", o.line()).put("seconds", o.seconds()).put("runs", results)
        .put("errors", errors).put("problems", problems);
  }

  /** One run: {@code k} desks spread over {@code queues} new queues for {@code seconds}, then drain and check. */
  private JsonObject desks(int k, int queues, int seconds) throws InterruptedException {
    runs++;
    List<String> queueIds = new ArrayList<>();
    Map<String, Semaphore> room = new HashMap<>();
    CallLedger ledger = new CallLedger();
    for (int q = 0; q < queues; q++) {
      String id = "desks-" + runId + "-" + runs + "-" + q;
      api.createQueue(o.site(), id, "D" + (char) ('A' + q));
      queueIds.add(id);
      room.put(id, new Semaphore(0));
      for (int i = 0; i < o.line(); i++) checkIn(api, ledger, id);
    }
    Errors errors = new Errors();
    ClientThreads threads = new ClientThreads(errors);
    List<WebClient> clients = new ArrayList<>();
    List<LatencyStats> callStats = new ArrayList<>();
    List<LatencyStats> checkInStats = new ArrayList<>();
    long[] callsPerDesk = new long[k];
    AtomicLong nobodyWaiting = new AtomicLong();

    for (int c = 0; c < k; c++) { // the check-in stream: a new patient for each one called, a client per desk
      String queueId = queueIds.get(c % queues);
      Api a = client(clients);
      LatencyStats stats = new LatencyStats();
      checkInStats.add(stats);
      threads.add(() -> {
        if (!room.get(queueId).tryAcquire(20, TimeUnit.MILLISECONDS)) return;
        long t0 = System.nanoTime();
        checkIn(a, ledger, queueId);
        stats.add(System.nanoTime() - t0);
      });
    }
    for (int d = 0; d < k; d++) {
      int desk = d;
      String queueId = queueIds.get(d % queues);
      String calledTo = "Desk " + (d + 1);
      Api a = client(clients);
      LatencyStats stats = new LatencyStats();
      callStats.add(stats);
      threads.add(() -> {
        long t0 = System.nanoTime();
        JsonObject entry = callNext(a, queueId, calledTo, errors, nobodyWaiting);
        if (entry == null) {
          Thread.sleep(5); // nobody there (or a failure): look again shortly, as a desk would
          return;
        }
        stats.add(System.nanoTime() - t0);
        callsPerDesk[desk]++;
        ledger.handedOut(queueId, entry.getString("id"), calledTo);
        room.get(queueId).release();
        a.start(entry.getString("id"));
        a.complete(entry.getString("id"));
      });
    }
    double elapsed = threads.runFor(seconds);
    clients.forEach(WebClient::close);

    long drained = 0;
    Map<String, List<Called>> logs = new HashMap<>();
    for (String queueId : queueIds) {
      JsonObject entry;
      while ((entry = callNext(api, queueId, "Drain", errors, null)) != null) {
        ledger.handedOut(queueId, entry.getString("id"), "Drain");
        drained++;
      }
      logs.put(queueId, calledEvents(queueId));
    }
    CallLedger.Findings checks = ledger.check(logs);

    LatencyStats calls = LatencyStats.merged(callStats);
    LatencyStats checkIns = LatencyStats.merged(checkInStats);
    JsonArray perDesk = new JsonArray();
    for (long n : callsPerDesk) perDesk.add(n);
    double callsPerSecond = Math.round(calls.count() / elapsed * 10) / 10.0;
    log("%d desks on %d queue(s): %d calls in %.1f s (%.1f/s), %d nobody waiting, %d errors, %d check problems",
        k, queues, calls.count(), elapsed, callsPerSecond, nobodyWaiting.get(), errors.count(), checks.problems());
    return new JsonObject().put("desks", k).put("queues", queues).put("seconds", Math.round(elapsed * 10) / 10.0)
        .put("calls", calls.count()).put("callsPerSecond", callsPerSecond)
        .put("commandsPerSecond", Math.round((3.0 * calls.count() + checkIns.count()) / elapsed * 10) / 10.0)
        .put("callsPerDesk", perDesk).put("checkIns", checkIns.count()).put("nobodyWaiting", nobodyWaiting.get())
        .put("drainedAtEnd", drained)
        .put("latencyMs", new JsonObject().put("callNext", calls.toJson()).put("checkIn", checkIns.toJson()))
        .put("checks", checks.toJson())
        .put("errors", errors.count()).put("errorSamples", new JsonArray(new ArrayList<>(errors.samples())));
  }

  /**
   * The called entry, or null when the queue answered 409 "Nobody is waiting" (counted in {@code nobodyWaiting}
   * when given) or failed otherwise (an error).
   */
  private static JsonObject callNext(Api a, String queueId, String calledTo, Errors errors, AtomicLong nobodyWaiting) {
    try {
      return a.callNext(queueId, calledTo);
    } catch (Api.ApiException e) {
      if (e.status == 409 && e.getMessage().contains("Nobody is waiting")) {
        if (nobodyWaiting != null) nobodyWaiting.incrementAndGet();
      } else {
        errors.add(e.getMessage());
      }
      return null;
    }
  }

  private static void checkIn(Api a, CallLedger ledger, String queueId) {
    JsonObject entry = a.checkIn(queueId, "Desk Bench Patient");
    ledger.checkedIn(queueId, entry.getString("id"), entry.getString("ticket"));
  }

  /** The queue's {@code called} events in seq order, read page by page from its event log. */
  private List<Called> calledEvents(String queueId) {
    List<Called> called = new ArrayList<>();
    long after = 0;
    JsonArray page;
    do {
      page = api.events(queueId, after, EVENTS_PAGE);
      for (int i = 0; i < page.size(); i++) {
        JsonObject event = page.getJsonObject(i);
        after = event.getLong("seq");
        if (event.getString("type").equals("called")) {
          JsonObject entry = event.getJsonObject("payload").getJsonObject("entry");
          called.add(new Called(entry.getString("id"), entry.getString("ticket"),
              Instant.parse(entry.getString("placeAt")), entry.getString("calledTo")));
        }
      }
    } while (page.size() == EVENTS_PAGE);
    return called;
  }

  /** The benchmark's account on an HTTP client of its own, closed after the run. */
  private Api client(List<WebClient> clients) {
    WebClient web = WebClient.create(vertx);
    clients.add(web);
    return api.onClient(web);
  }
}
