package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * client and the server used while the measured frames were on their way. Both sides' screens are the same lean
 * client ({@link ScreenSockets}), which reads only each frame's type and seq: what it spends per frame is taken from
 * both servers alike.
 */
public final class DisplayFanOutBenchmark {
  private static final int OPEN_AT_ONCE = 32;
  /** Selector threads of the screens: the fan-out of 10,000 frames is read on both cores, as the servers write it. */
  private static final int SELECTORS = 2;
  /** A frame's first bytes that the screens keep: its type and seq come first, well within them. */
  private static final int HEAD_BYTES = 128;

  private final DisplayOptions o;
  private final Vertx vertx;
  private final Api api;

  DisplayFanOutBenchmark(DisplayOptions o, Vertx vertx) {
    this.o = o;
    this.vertx = vertx;
    this.api = new Api(WebClient.create(vertx), o.baseUrl());
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

  JsonObject run() throws Exception {
    String started = Instant.now().toString();
    api.signIn(o.username(), o.password());
    String displayToken = api.pairDisplay(o.site(), "Benchmark display");
    String queueId = "display-" + UUID.randomUUID().toString().substring(0, 8);
    api.createQueue(o.site(), queueId, "Y");
    for (int i = 0; i < o.line(); i++) api.checkIn(queueId, String.format(Locale.ROOT, "Screen Patient %05d", i));
    log("queue %s: %d waiting", queueId, o.line());

    AtomicLong patients = new AtomicLong(o.line());
    Side waitline = new Side("waitline", o.serverPid(), "snapshot", "delta");
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
    Side bareSide = new Side("bare", o.barePid(), "hello", "bare");
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

  /** One side's screens and measurements. */
  private final class Side {
    private final String name;
    private final long pid;
    /** The type of a client's first message, and of the frames this side's calls make. */
    private final String firstType;
    private final String frameType;
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
    private ProcessCpu.Times clientCpu = new ProcessCpu.Times(0, 0);
    private ProcessCpu.Times serverCpu = new ProcessCpu.Times(0, 0);
    final LatencyStats frameBytes = new LatencyStats();

    Side(String name, long pid, String firstType, String frameType) {
      this.name = name;
      this.pid = pid;
      this.firstType = firstType;
      this.frameType = frameType;
    }

    /**
     * Opens the clients, reads idle memory, then measures {@code calls} frames after {@code warmup}.
     *
     * @param seq the seq the clients are at once open
     * @param after sent after each measured frame (and awaited as frame seq + 1); null: nothing
     */
    JsonObject run(String baseUrl, String path, String bearer, long seq, Trigger trigger, Step after)
        throws Exception {
      long rssBefore = ServerMemory.rssKib(pid);
      Long heapBefore = ServerMemory.liveHeapBytes(pid, histogram("before"));
      ScreenRounds rounds = new ScreenRounds(o.feeds(), seq, firstType, frameType);
      URI base = URI.create(baseUrl);
      if (!"http".equals(base.getScheme())) throw new IllegalArgumentException("the screens speak ws:// only: " + base);
      long openStart = System.nanoTime();
      try (ScreenSockets screens = new ScreenSockets(SELECTORS, HEAD_BYTES, rounds)) {
        try {
          screens.open(o.feeds(), base.getHost(), base.getPort() > 0 ? base.getPort() : 80, path, bearer,
              OPEN_AT_ONCE, Api.TIMEOUT_MS);
        } catch (IOException e) {
          throw new IllegalStateException(name + ": the clients could not all open: " + e.getMessage(), e);
        }
        try {
          rounds.allHeard().get(o.cycleTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
          throw new IllegalStateException(String.format(Locale.ROOT,
              "%s: %d of %d clients got no first message (%s; this JVM has %d open files)", name,
              o.feeds() - rounds.heard(), o.feeds(), rounds.failure() == null ? "none failed" : rounds.failure(),
              openFiles()));
        }
        log("%s: %d clients open in %.1f s", name, o.feeds(), (System.nanoTime() - openStart) / 1e9);
        Thread.sleep(3000);
        long rssOpen = ServerMemory.rssKib(pid);
        Long heapOpen = ServerMemory.liveHeapBytes(pid, histogram("open"));
        // each side's calls start on this client's collected heap: a collection during one side's calls would add its
        // pause to that side's times only
        System.gc();

        for (int n = 1; n <= o.warmup() + o.calls(); n++) {
          boolean measured = n > o.warmup();
          long frame = ++seq;
          ProcessCpu.Times clientBefore = ProcessCpu.self();
          ProcessCpu.Times serverBefore = ProcessCpu.of(pid);
          long start = await(rounds, frame, () -> trigger.send(frame));
          if (measured) {
            clientCpu = clientCpu.plus(ProcessCpu.self().since(clientBefore));
            serverCpu = serverCpu.plus(ProcessCpu.of(pid).since(serverBefore));
            record(rounds, start);
          }
          if (after != null) await(rounds, ++seq, after);
        }
        if (rounds.failure() != null) throw new IllegalStateException(name + ": " + rounds.failure());
        // closed means the TCP connection is gone, not only the close handshake sent: the next side opens as many
        screens.closeAll(Api.TIMEOUT_MS);
        log("%s: %d clients closed; this JVM has %d open files", name, o.feeds(), openFiles());

        double medianSeconds = toLast.percentile(50) / 1e9;
        double medianFanOutSeconds = firstToLast.percentile(50) / 1e9;
        return new JsonObject().put("toLastMs", toLast.toJson()).put("toEachMs", toEach.toJson())
            .put("toFirstMs", toFirst.toJson()).put("firstToLastMs", firstToLast.toJson())
            .put("framesPerSecond", Math.round(o.feeds() / medianSeconds))
            .put("fanOutFramesPerSecond", Math.round(o.feeds() / medianFanOutSeconds))
            .put("cpuMsPerCall", new JsonObject().put("client", clientCpu.totalMs() / o.calls())
                .put("server", serverCpu.totalMs() / o.calls()))
            .put("systemCpuMsPerCall", new JsonObject().put("client", clientCpu.systemMs() / o.calls())
                .put("server", serverCpu.systemMs() / o.calls()))
            .put("bytesPerFrame", frameBytes.percentile(50))
            .put("rssPerIdleFeedKib", Math.round((rssOpen - rssBefore) * 10.0 / o.feeds()) / 10.0)
            .put("heapPerIdleFeedKib", heapOpen == null || heapBefore == null ? null
                : Math.round((heapOpen - heapBefore) * 10.0 / 1024 / o.feeds()) / 10.0);
      }
    }

    /** A measured round is over: its times and sizes, read from the clients' slots. */
    private void record(ScreenRounds rounds, long start) {
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (int i = 0; i < o.feeds(); i++) {
        long at = rounds.arrivedAt(i);
        first = Math.min(first, at);
        last = Math.max(last, at);
        toEach.add(at - start);
        frameBytes.add(rounds.bytes(i));
      }
      toLast.add(last - start);
      toFirst.add(first - start);
      firstToLast.add(last - first);
    }

    /**
     * Where the server's live-heap histogram of {@code moment} goes: beside {@code --out} (the per-class figures behind
     * the heap per idle feed), or nowhere without it.
     */
    private Path histogram(String moment) {
      if (o.out() == null) return null;
      return Path.of(o.out().replaceFirst("\\.json$", "") + "-" + name + "-heap-" + moment + ".txt");
    }

    /** Sends what makes frame {@code seq} and waits until every client has it; yields when it was sent. */
    private long await(ScreenRounds rounds, long seq, Step send) throws Exception {
      ScreenRounds.Round r = rounds.begin(seq);
      long start = System.nanoTime();
      send.run();
      try {
        r.done.get(o.cycleTimeoutMs(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException(name + ": frame " + seq + " reached " + (o.feeds() - r.pending()) + " of "
            + o.feeds() + " clients within " + o.cycleTimeoutMs() + " ms");
      } catch (ExecutionException e) {
        throw new IllegalStateException(name + ": " + e.getCause().getMessage());
      }
      return start;
    }
  }
}
