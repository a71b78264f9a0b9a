package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Waiting-room screens at scale, beside a bare Vert.x broadcast in the same run: {@code --feeds} display feeds
 * (protocol 2) of one queue with {@code --line} patients waiting, {@code --calls} calls measured from the REST
 * call-next to the call's frame on the last screen; then as many clients of {@link BareBroadcastServer}, sent as many
 * frames of the same size. With {@code --feeds-url} the screens are on another node than the calls (two nodes
 * through Kafka), and without {@code --bare-url} there is no bare side. Per side: call (or broadcast) to last client p50/p99/max, frames per second (clients ÷
 * the median time to the last), bytes per frame, and what an idle feed costs the server (resident set and live heap,
 * with the feeds open and nothing happening, less before they opened; with {@code --out} the heap's class histograms
 * too). Also per side the call to the first client (Waitline: the REST command and the event's trip to the feeds) and
 * the first client to the last (the fan-out alone, which the bare side's figure compares with), and the CPU time the
 * client and the server used while the measured frames were on their way.
 */
public final class DisplayFanOutBenchmark {
  private static final int OPEN_AT_ONCE = 32;
  private static final int WARMUP = 3;

  private final DisplayOptions o;
  private final Vertx vertx;
  private final Api api;
  private final WebSocketClient ws;

  private DisplayFanOutBenchmark(DisplayOptions o, Vertx vertx) {
    this.o = o;
    this.vertx = vertx;
    this.api = new Api(WebClient.create(vertx), o.baseUrl());
    // both sides' clients at once: the first side's closed sockets may still count while the second side opens
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(2 * o.feeds() + 100)
        .setConnectTimeout((int) Api.TIMEOUT_MS));
  }

  public static void main(String[] args) throws Exception {
    BenchmarkRun.main(args, DisplayOptions.USAGE, DisplayOptions::parse,
        (o, vertx) -> new DisplayFanOutBenchmark(o, vertx).run(), result -> true);
  }

  /** What one side (Waitline or the bare broadcast) does to send frame {@code seq}. */
  private interface Trigger {
    void send(long seq) throws Exception;
  }

  /** A request that makes one frame. */
  private interface Step {
    void run() throws Exception;
  }

  private JsonObject run() throws Exception {
    String started = Instant.now().toString();
    api.signIn(o.username(), o.password());
    String displayToken = api.pairDisplay(o.site(), "Benchmark display");
    String queueId = "display-" + UUID.randomUUID().toString().substring(0, 8);
    api.createQueue(o.site(), queueId, "Y");
    for (int i = 0; i < o.line(); i++) api.checkIn(queueId, String.format(Locale.ROOT, "Screen Patient %05d", i));
    log("queue %s: %d waiting", queueId, o.line());

    AtomicLong patients = new AtomicLong(o.line());
    Side waitline = new Side("waitline", o.serverPid());
    JsonObject waitlineResult = waitline.run(o.feedsUrl(), "/ws/queues/" + queueId + "?view=display&protocol=2",
        displayToken, api.queueSeq(queueId), seq -> api.callNext(queueId, "Desk " + seq),
        // a check-in after each call keeps the line as long
        () -> api.checkIn(queueId, String.format(Locale.ROOT, "Screen Patient %05d", patients.getAndIncrement())));
    JsonObject result = new JsonObject().put("started", started).put("feeds", o.feeds()).put("line", o.line())
        .put("calls", o.calls()).put("twoNodes", !o.feedsUrl().equals(o.baseUrl())).put("waitline", waitlineResult);
    if (o.bareUrl() == null) return result;
    int bytes = (int) waitline.frameBytes.percentile(50);

    WebClient bareHttp = WebClient.create(vertx);
    java.net.URI bare = java.net.URI.create(o.bareUrl());
    Side bareSide = new Side("bare", o.barePid());
    JsonObject bareResult = bareSide.run(o.bareUrl(), "/ws", null, 0, seq -> bareHttp
        .post(bare.getPort(), bare.getHost(), "/broadcast?seq=" + seq + "&bytes=" + bytes).send()
        .await(Api.TIMEOUT_MS, TimeUnit.MILLISECONDS), null);

    double ratio = waitlineResult.getDouble("framesPerSecond") / bareResult.getDouble("framesPerSecond");
    double fanOutRatio = waitlineResult.getDouble("fanOutFramesPerSecond")
        / bareResult.getDouble("fanOutFramesPerSecond");
    return result.put("bare", bareResult).put("framesPerSecondRatio", Math.round(ratio * 100) / 100.0)
        .put("fanOutFramesPerSecondRatio", Math.round(fanOutRatio * 100) / 100.0);
  }

  /** File descriptors this JVM holds (its sockets among them), against the process's limit. */
  private static int openFiles() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /** One side's clients and measurements. */
  private final class Side {
    private final String name;
    private final long pid;
    private final List<Client> clients = new ArrayList<>();
    private final LatencyStats toLast = new LatencyStats();
    private final LatencyStats toEach = new LatencyStats();
    /** The call (or broadcast request) to the first client: Waitline's command and event hop, the bare side's request. */
    private final LatencyStats toFirst = new LatencyStats();
    /** The first client to the last: the fan-out alone, comparable between the two sides. */
    private final LatencyStats firstToLast = new LatencyStats();
    /**
     * CPU time used from each measured call (or broadcast) until its last frame arrived, by this client JVM and by the
     * server's JVM (not its PostgreSQL): on shared cores, the client's share is time the server could not have.
     */
    private long clientCpuMs;
    private long serverCpuMs;
    final LatencyStats frameBytes = new LatencyStats();
    private volatile Round round;

    Side(String name, long pid) {
      this.name = name;
      this.pid = pid;
    }

    /**
     * Opens the clients, reads idle memory, then measures {@code calls} frames after {@link #WARMUP}.
     *
     * @param seq the seq the clients are at once open
     * @param after sent after each measured frame (and awaited as frame seq + 1); null: nothing
     */
    JsonObject run(String baseUrl, String path, String bearer, long seq, Trigger trigger, Step after)
        throws Exception {
      long rssBefore = ServerMemory.rssKib(pid);
      Long heapBefore = ServerMemory.liveHeapBytes(pid, histogram("before"));
      long openStart = System.nanoTime();
      for (int i = 0; i < o.feeds(); i += OPEN_AT_ONCE) {
        List<Future<?>> batch = new ArrayList<>();
        for (int j = i; j < Math.min(o.feeds(), i + OPEN_AT_ONCE); j++) {
          Client c = new Client(ws.webSocket());
          clients.add(c);
          batch.add(Feeds.connect(c.socket, baseUrl, path, bearer));
        }
        Future.all(batch).await(Api.TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
      }
      long silent = 0;
      for (Client c : clients) {
        if (!c.first.await(silent == 0 ? o.cycleTimeoutMs() : 1, TimeUnit.MILLISECONDS)) silent++;
      }
      if (silent > 0) {
        long closed = clients.stream().filter(c -> c.closed.future().isComplete()).count();
        throw new IllegalStateException(String.format(Locale.ROOT,
            "%s: %d of %d clients got no first message (%d of all closed; this JVM has %d open files)",
            name, silent, o.feeds(), closed, openFiles()));
      }
      log("%s: %d clients open in %.1f s", name, o.feeds(), (System.nanoTime() - openStart) / 1e9);
      Thread.sleep(3000);
      long rssOpen = ServerMemory.rssKib(pid);
      Long heapOpen = ServerMemory.liveHeapBytes(pid, histogram("open"));
      // each side's calls start on this client's collected heap (run.sh gives it room for all of them): a collection
      // during one side's calls would add its pause to that side's times only
      System.gc();

      for (int n = 1; n <= WARMUP + o.calls(); n++) {
        boolean measured = n > WARMUP;
        long frame = ++seq;
        long clientCpu = ProcessCpu.selfMillis();
        long serverCpu = ProcessCpu.millis(pid);
        Round r = await(frame, () -> trigger.send(frame), measured);
        if (measured) {
          clientCpuMs += ProcessCpu.selfMillis() - clientCpu;
          serverCpuMs += ProcessCpu.millis(pid) - serverCpu;
          toLast.add(r.last.get() - r.start);
          toFirst.add(r.first.get() - r.start);
          firstToLast.add(r.last.get() - r.first.get());
        }
        if (after != null) await(++seq, after, false);
      }
      // closed means the TCP connection is gone, not only the close handshake sent: the next side opens as many
      List<Future<Void>> closes = new ArrayList<>();
      for (Client c : clients) {
        c.socket.close();
        closes.add(c.closed.future());
      }
      Future.join(closes).await(Api.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      log("%s: %d clients closed; this JVM has %d open files", name, o.feeds(), openFiles());

      double medianSeconds = toLast.percentile(50) / 1e9;
      double medianFanOutSeconds = firstToLast.percentile(50) / 1e9;
      return new JsonObject().put("toLastMs", toLast.toJson()).put("toEachMs", toEach.toJson())
          .put("toFirstMs", toFirst.toJson()).put("firstToLastMs", firstToLast.toJson())
          .put("framesPerSecond", Math.round(o.feeds() / medianSeconds))
          .put("fanOutFramesPerSecond", Math.round(o.feeds() / medianFanOutSeconds))
          .put("cpuMsPerCall", new JsonObject().put("client", clientCpuMs / o.calls())
              .put("server", serverCpuMs / o.calls()))
          .put("bytesPerFrame", frameBytes.percentile(50))
          .put("rssPerIdleFeedKib", Math.round((rssOpen - rssBefore) * 10.0 / o.feeds()) / 10.0)
          .put("heapPerIdleFeedKib", heapOpen == null || heapBefore == null ? null
              : Math.round((heapOpen - heapBefore) * 10.0 / 1024 / o.feeds()) / 10.0);
    }

    /**
     * Where the server's live-heap histogram of {@code moment} goes: beside {@code --out} (the per-class figures behind
     * the heap per idle feed), or nowhere without it.
     */
    private Path histogram(String moment) {
      if (o.out() == null) return null;
      return Path.of(o.out().replaceFirst("\\.json$", "") + "-" + name + "-heap-" + moment + ".txt");
    }

    /** Sends what makes frame {@code seq} and waits until every client has it; yields the round, all arrived. */
    private Round await(long seq, Step send, boolean measured) throws Exception {
      Round r = new Round(seq, o.feeds(), measured);
      round = r;
      r.start = System.nanoTime();
      send.run();
      if (!r.pending.await(o.cycleTimeoutMs(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + ": frame " + seq + " reached " + (o.feeds() - r.pending.getCount())
            + " of " + o.feeds() + " clients within " + o.cycleTimeoutMs() + " ms");
      }
      return r;
    }

    /** One frame on its way: who has it, and when the first and the last got it. */
    private final class Round {
      final long seq;
      final boolean measured;
      final CountDownLatch pending;
      final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
      final AtomicLong last = new AtomicLong();
      volatile long start;

      Round(long seq, int clients, boolean measured) {
        this.seq = seq;
        this.measured = measured;
        this.pending = new CountDownLatch(clients);
      }

      void arrived(long nanos, int bytes) {
        first.accumulateAndGet(nanos, Math::min);
        last.accumulateAndGet(nanos, Math::max);
        if (measured) {
          synchronized (this) {
            toEach.add(nanos - start);
            frameBytes.add(bytes);
          }
        }
        pending.countDown();
      }
    }

    /**
     * One screen: counts its first message, then hands each frame's seq to the round under way. It reads each frame's
     * bytes as they come (no text decoding, only the type and seq at their head): on cores shared with the server,
     * every microsecond a client spends per frame is one the server does not get, on either side.
     */
    private final class Client {
      final CountDownLatch first = new CountDownLatch(1);
      final Promise<Void> closed = Promise.promise();
      final ClientWebSocket socket;

      /** Listens on {@code s} before it connects. */
      Client(ClientWebSocket s) {
        socket = s;
        s.closeHandler(v -> closed.tryComplete());
        // every message here is one frame (the largest, a snapshot of 200 waiting, is far below the 64 KiB frame)
        s.handler(frame -> {
          long now = System.nanoTime();
          first.countDown();
          Round r = round;
          if (r == null) return;
          FeedMessage m = FeedMessage.head(frame.getBytes());
          if (m.seq() == r.seq && !"snapshot".equals(m.type())) r.arrived(now, frame.length());
        });
      }
    }
  }
}
