package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real node (a child JVM) while a practice-management system sends bookings over MLLP, keeping
 * {@link #WINDOW} of them in flight so the node applies them in batches (group commit) and the kill falls mid-batch:
 * an AA is only ever sent after the booking's batch is committed, so after the restart every acknowledged booking is
 * there, and the sender's resends of everything it has no AA for (and of the last one it has) make each booking
 * exactly one entry.
 */
@Timeout(300)
class Hl7CrashTest {
  private static final ZoneId SITE_ZONE = ZoneId.of("Europe/London");
  private static final String FACILITY = "CRASH_PMS";
  private static final int BOOKINGS = 400;
  /** The node is killed once this many bookings have their AA: far from the first and from the last. */
  private static final int KILL_AFTER_ACKS = 25;
  /** Bookings the sender has in flight on its connection (pipelined), as interface engines do. */
  private static final int WINDOW = 16;

  @TempDir Path dir;

  @Test
  void aNodeKilledMidBatchLosesNoAcknowledgedBookingAndResendsApplyOnce() throws Exception {
    Path dataDir = dir.resolve("data");
    int port = LoopbackPorts.free();
    int mllpPort = LoopbackPorts.free();
    Map<String, String> settings = Map.of("WAITLINE_MLLP_PORT", String.valueOf(mllpPort));
    ChildNode node = ChildNode.start(dataDir, port, dir.resolve("node-0.log"), settings);
    try {
      String token = node.firstAdminToken();
      HttpResponse<String> created = node.post(token, "/api/v1/sites/main/sources", new JsonObject()
          .put("kind", "hl7v2-mllp").put("name", "Front office PMS").put("mapping", new JsonObject()
              .put("defaultQueue", "general").put("mrnSystem", "CLINIC_MRN")
              .put("hl7", new JsonObject().put("sendingFacility", FACILITY).put("timeZone", SITE_ZONE.getId()))));
      assertThat(created.statusCode()).as("source: %s", created.body()).isEqualTo(201);

      // the sender sends bookings on one connection with WINDOW of them waiting for their AA, which come in order
      List<String> messages = new ArrayList<>();
      String start = startLaterToday();
      for (int i = 0; i < BOOKINGS; i++) messages.add(booking(i, start));
      AtomicInteger acknowledged = new AtomicInteger();
      CountDownLatch enough = new CountDownLatch(KILL_AFTER_ACKS);
      Thread sender = new Thread(() -> {
        try (Socket s = connect(mllpPort)) {
          int sent = 0;
          for (String m : messages) {
            while (sent < BOOKINGS && sent < acknowledged.get() + WINDOW) send(s, messages.get(sent++));
            String ack = read(s);
            assertThat(ack).as("the answer to %s", controlId(m)).contains("MSA|AA|" + controlId(m));
            acknowledged.incrementAndGet();
            enough.countDown();
          }
        } catch (IOException cutOffByTheKill) {
          // expected: the node died under the sender
        }
      }, "pms-sender");
      sender.start();
      assertThat(enough.await(120, TimeUnit.SECONDS)).as("%d bookings acknowledged before the kill",
          KILL_AFTER_ACKS).isTrue();
      node.kill();
      sender.join(TimeUnit.SECONDS.toMillis(30));
      int acked = acknowledged.get();
      assertThat(acked).as("the kill came mid-stream").isBetween(KILL_AFTER_ACKS, BOOKINGS - 1);

      node = ChildNode.start(dataDir, port, dir.resolve("node-1.log"), settings);
      Map<String, Integer> before = entriesByName(node, token);
      for (int i = 0; i < acked; i++) {
        assertThat(before.get(patientName(i))).as("acknowledged booking %d after the restart", i).isEqualTo(1);
      }

      // as an MLLP sender does: resend what has no AA, from the last one that has
      try (Socket s = connect(mllpPort)) {
        for (String m : messages.subList(acked - 1, BOOKINGS)) {
          assertThat(exchange(s, m)).as("resent %s", controlId(m)).contains("MSA|AA|" + controlId(m));
        }
      }
      Map<String, Integer> after = entriesByName(node, token);
      for (int i = 0; i < BOOKINGS; i++) {
        assertThat(after.get(patientName(i))).as("booking %d is one entry", i).isEqualTo(1);
      }
      System.out.printf("killed after %d of %d bookings were acknowledged; all %d are one entry each%n", acked,
          BOOKINGS, BOOKINGS);
    } finally {
      node.stop();
    }
  }

  /** A start later today in the site's zone (earlier today when later would be tomorrow). */
  private static String startLaterToday() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant at = now.plus(15, ChronoUnit.MINUTES);
    if (!LocalDate.ofInstant(at, SITE_ZONE).equals(LocalDate.ofInstant(now, SITE_ZONE))) {
      at = now.minus(15, ChronoUnit.MINUTES);
    }
    return DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(SITE_ZONE).format(at);
  }

  private static String booking(int i, String start) {
    String[] name = patientName(i).split(" ");
    return String.join("\r",
        "MSH|^~\\&|PMS|" + FACILITY + "|WAITLINE|CLINIC|" + start + "||SIU^S12|crash-" + i + "|P|2.5.1",
        "SCH|C" + i + "^PMS|C" + i + "^PMS||||||Check-up|||^^15^" + start,
        "PID|1||" + (90_000 + i) + "^^^CLINIC_MRN^MR||" + name[1] + "^" + name[0] + "||19850312",
        "AIL|1||GP^Room 1^^CLINIC|||" + start) + "\r";
  }

  private static String patientName(int i) {
    return "Crash Patient" + i;
  }

  private static String controlId(String message) {
    return message.substring(0, message.indexOf('\r')).split("\\|")[9];
  }

  /** Today's entries of the site, counted by patient name. */
  private static Map<String, Integer> entriesByName(ChildNode node, String token) throws Exception {
    HttpResponse<String> r = node.get(token, "/api/v1/sites/main/entries");
    assertThat(r.statusCode()).as("entries: %s", r.body()).isEqualTo(200);
    Map<String, Integer> byName = new HashMap<>();
    new JsonArray(r.body()).forEach(e -> byName.merge(
        ((JsonObject) e).getJsonObject("patient").getString("name"), 1, Integer::sum));
    return byName;
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(60_000);
    return s;
  }

  /** Sends one MLLP frame and reads the answer's frame; a closed connection is an IOException. */
  private static String exchange(Socket s, String message) throws IOException {
    send(s, message);
    return read(s);
  }

  private static void send(Socket s, String message) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x0B);
    frame.writeBytes(message.getBytes(StandardCharsets.UTF_8));
    frame.write(0x1C);
    frame.write(0x0D);
    s.getOutputStream().write(frame.toByteArray());
  }

  /** The next answer's frame; a closed connection is an IOException. */
  private static String read(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream ack = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != 0x1C) {
      if (c == -1) throw new IOException("the connection closed before an answer");
      if (c != 0x0B) ack.write(c);
    }
    return ack.toString(StandardCharsets.UTF_8).replace('\r', '\n');
  }
}
