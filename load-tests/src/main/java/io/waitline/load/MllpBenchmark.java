package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.waitline.load.Feeds.Errors;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HL7 v2 over MLLP into a running Waitline server: {@code --senders} senders, each an hl7v2-mllp source of its own
 * on one connection, each sending SIU^S12 bookings (a new appointment and patient each) with {@code --windows}
 * messages in flight: 1 sends one at a time and waits for its AA (lock-step), more pipelines them as interface
 * engines do (the room the ACKs read so far leave in the window is filled at once, in one write). The server sends each AA only once the booking and its inbox row are committed, in the order sent.
 * Messages/s is what a clinic's interface engine would see.
 */
public final class MllpBenchmark {
  private static final DateTimeFormatter HL7_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final byte START = 0x0B;
  private static final byte END = 0x1C;
  private static final byte CR = 0x0D;

  private final MllpOptions o;
  private final Api api;
  private final String runId = UUID.randomUUID().toString().substring(0, 6);

  private MllpBenchmark(MllpOptions o, Vertx vertx) {
    this.o = o;
    this.api = new Api(WebClient.create(vertx), o.baseUrl());
  }

  public static void main(String[] args) throws Exception {
    BenchmarkRun.main(args, MllpOptions.USAGE, MllpOptions::parse, (o, vertx) -> new MllpBenchmark(o, vertx).run(),
        result -> result.getJsonArray("runs").stream().allMatch(r -> ((JsonObject) r).getLong("errors") == 0));
  }

  private JsonObject run() throws Exception {
    String started = Instant.now().toString();
    api.signIn(o.username(), o.password());
    String queue = "mllp-" + runId;
    api.createQueue(o.site(), queue, "M");
    int most = o.senders().stream().mapToInt(Integer::intValue).max().orElse(1);
    List<String> facilities = new ArrayList<>();
    for (int i = 0; i < most; i++) {
      String facility = "BENCH_" + runId + "_" + i;
      api.createHl7Source(o.site(), "MLLP benchmark " + runId + " " + i, facility, queue);
      facilities.add(facility);
    }
    JsonArray runs = new JsonArray();
    for (int window : o.windows()) {
      for (int senders : o.senders()) {
        String phase = "w" + window + "s" + senders;
        if (o.warmupSeconds() > 0) loop(facilities.subList(0, senders), window, o.warmupSeconds(), phase + "warmup");
        JsonObject r = loop(facilities.subList(0, senders), window, o.seconds(), phase + "run");
        log("%d sender(s), window %d: %s messages/s", senders, window, r.getValue("messagesPerSecond"));
        runs.add(r);
      }
    }
    return new JsonObject().put("started", started).put("baseUrl", o.baseUrl()).put("site", o.site())
        .put("mllp", o.mllpHost() + ":" + o.mllpPort()).put("runs", runs);
  }

  /**
   * Each facility's sender sends bookings for {@code seconds}, keeping {@code window} of them in flight (1: each
   * waits for the previous AA); then it waits for the ACKs still due. ACKs come in the order sent.
   */
  private JsonObject loop(List<String> facilities, int window, int seconds, String phase)
      throws InterruptedException {
    Errors errors = new Errors();
    AtomicLong accepted = new AtomicLong();
    List<LatencyStats> stats = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long t0 = System.nanoTime();
    for (String facility : facilities) {
      LatencyStats latency = new LatencyStats();
      stats.add(latency);
      threads.add(BenchmarkRun.thread(errors, () -> {
        try (Socket socket = new Socket(o.mllpHost(), o.mllpPort())) {
          socket.setSoTimeout(30_000);
          OutputStream out = socket.getOutputStream();
          InputStream in = new BufferedInputStream(socket.getInputStream());
          ArrayDeque<Sent> inFlight = new ArrayDeque<>();
          ByteArrayOutputStream refill = new ByteArrayOutputStream();
          long n = 0;
          while (System.nanoTime() < deadline || !inFlight.isEmpty()) {
            // as an interface engine pipelines: the window's room filled at once, in one write
            refill.reset();
            while (inFlight.size() < window && System.nanoTime() < deadline) {
              String id = phase + "-" + facility + "-" + n++;
              refill.writeBytes(frame(booking(facility, id)));
              inFlight.add(new Sent(id, System.nanoTime()));
            }
            if (refill.size() > 0) out.write(refill.toByteArray());
            // then every ACK that has come (at least one)
            do {
              String ack = read(in);
              Sent first = inFlight.poll();
              latency.add(System.nanoTime() - first.at());
              if (ack.contains("\rMSA|AA|" + first.id())) {
                accepted.incrementAndGet();
              } else {
                errors.add("not AA for " + first.id() + ": " + ack.replace('\r', ' '));
              }
            } while (in.available() > 0 && !inFlight.isEmpty());
          }
        }
      }));
    }
    for (Thread t : threads) t.join();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    return new JsonObject().put("senders", facilities.size()).put("window", window).put("seconds", seconds)
        .put("accepted", accepted.get())
        .put("messagesPerSecond", Math.round(accepted.get() / elapsed * 10) / 10.0)
        .put("latencyMs", LatencyStats.merged(stats).toJson())
        .put("errors", errors.count()).put("errorSamples", new JsonArray(new ArrayList<>(errors.samples())));
  }

  /** A message sent and not yet answered. */
  private record Sent(String id, long at) {}

  /**
   * A v2.5.1 SIU^S12: a new appointment an hour from now for a new patient of a name of their own (patients of one
   * name and birth date are suggested to staff as possible duplicates, each against every other); its id is also the
   * control id and the patient's MRN.
   */
  private static String booking(String facility, String id) {
    String start = HL7_TIME.format(Instant.now().plusSeconds(3600));
    return String.join("\r",
        "MSH|^~\\&|BENCH|" + facility + "|WAITLINE|CLINIC|" + HL7_TIME.format(Instant.now()) + "||SIU^S12|" + id
            + "|P|2.5.1",
        "SCH|" + id + "^BENCH|" + id + "^BENCH|||||CHECKUP|||15|MIN|^^15^" + start + "||||||||||||||Booked",
        "PID|1||" + id + "^^^BENCH_MRN^MR||Patient " + id + "^Bench||19800423|F|||||+33600000000",
        "RGS|1",
        "AIL|1||ROOM1|||" + start) + "\r";
  }

  private static byte[] frame(String message) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(START);
    b.writeBytes(message.getBytes(StandardCharsets.UTF_8));
    b.write(END);
    b.write(CR);
    return b.toByteArray();
  }

  private static String read(InputStream in) throws IOException {
    int b;
    while ((b = in.read()) != START) {
      if (b == -1) throw new IOException("the server closed the connection without an ACK");
    }
    ByteArrayOutputStream msg = new ByteArrayOutputStream();
    while ((b = in.read()) != END) {
      if (b == -1) throw new IOException("the server closed the connection mid-ACK");
      msg.write(b);
    }
    in.read(); // the CR after the end block
    return msg.toString(StandardCharsets.UTF_8);
  }
}
