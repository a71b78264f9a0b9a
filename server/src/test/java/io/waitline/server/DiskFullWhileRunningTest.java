package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk under a running node's embedded PostgreSQL fills up (a small tmpfs, so it needs root; skipped elsewhere):
 * check-ins keep answering, 201 while PostgreSQL still finds room, then 503 with a sentence, never a 500; a live feed
 * open all along carries every acknowledged check-in in seq order, and one opened on the full disk is answered
 * cleanly; once space is freed check-ins succeed again without touching the node, every acknowledged one is there, and
 * the feeds carry the next one.
 */
@Timeout(300)
class DiskFullWhileRunningTest {
  private static final int MAX_ATTEMPTS = 3_000;

  @TempDir Path dir;
  private Path mount;
  private WaitlineServer server;
  private final List<StaffFeed> feeds = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    feeds.forEach(StaffFeed::close);
    if (server != null) server.stop();
    if (mount != null) new ProcessBuilder("umount", mount.toString()).start().waitFor();
  }

  @Test
  void aFullDiskAnswers503AndOnceSpaceIsFreedNothingAcknowledgedIsLostOrMissedByAFeed() throws Exception {
    mount = Files.createDirectories(dir.resolve("mnt"));
    assumeTrue(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", mount.toString()).start()
        .waitFor() == 0, "mounting a tmpfs needs root");
    Path dataDir = mount.resolve("data");
    server = new WaitlineServer(Config.load(Map.of("WAITLINE_HTTP_PORT", "0", "WAITLINE_HTTP_HOST", "127.0.0.1",
        "WAITLINE_DATA_DIR", dataDir.toString()))).start();
    String token = FirstAdmin.token(server, dataDir);
    WebClient rest = WebClient.create(server.vertx());
    StaffFeed before = open(token);
    assertThat(before.next(10_000).getString("type")).isEqualTo("snapshot");

    Path filler = mount.resolve("filler");
    fill(filler);
    List<String> acknowledged = new ArrayList<>();
    HttpResponse<Buffer> refused = null;
    for (int i = 0; i < MAX_ATTEMPTS && refused == null; i++) {
      HttpResponse<Buffer> r = checkIn(rest, token, "Patient " + i);
      if (r.statusCode() == 201) {
        acknowledged.add(r.bodyAsJsonObject().getString("ticket"));
      } else {
        refused = r;
      }
    }
    assertThat(refused).as("a check-in refused within %d on a full disk", MAX_ATTEMPTS).isNotNull();
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
    assertThat(refused.bodyAsJsonObject().getString("detail")).matches("[A-Z].{20,}\\.");
    StaffFeed duringFull = openOnAFullDisk(token, acknowledged);

    Files.delete(filler);
    HttpResponse<Buffer> accepted = checkIn(rest, token, "After the space came back");
    for (long deadline = System.nanoTime() + 60_000_000_000L;
        accepted.statusCode() == 503 && System.nanoTime() < deadline; ) {
      Thread.sleep(200); // PostgreSQL may be restarting after a failed log write
      accepted = checkIn(rest, token, "After the space came back");
    }
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(201);
    acknowledged.add(accepted.bodyAsJsonObject().getString("ticket"));
    assertThat(checkedIn(before, acknowledged.size()))
        .as("the feed open all along: every acknowledged check-in, in order").containsExactlyElementsOf(acknowledged);
    if (duringFull != null) {
      assertThat(checkedIn(duringFull, 1)).containsExactly(accepted.bodyAsJsonObject().getString("ticket"));
    }
    StaffFeed after = open(token);
    assertThat(tickets(after.next(10_000))).as("a feed opened once space is back")
        .containsExactlyInAnyOrderElementsOf(acknowledged);

    JsonObject snapshot = rest.get(server.port(), "127.0.0.1", "/api/v1/queues/general/snapshot")
        .putHeader("Authorization", "Bearer " + token).send().await().bodyAsJsonObject();
    List<String> tickets = snapshot.getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getString("ticket")).toList();
    assertThat(tickets).as("every acknowledged check-in, once").containsExactlyInAnyOrderElementsOf(acknowledged);
  }

  private StaffFeed open(String token) {
    StaffFeed feed = StaffFeed.open(server, token);
    feeds.add(feed);
    return feed;
  }

  /**
   * A feed opened while PostgreSQL has no room: it opens with a snapshot of every acknowledged check-in (reading needs
   * no room) and is returned, or its upgrade is refused with a 503 problem, and null is returned.
   */
  private StaffFeed openOnAFullDisk(String token, List<String> acknowledged) throws InterruptedException {
    StaffFeed feed;
    try {
      feed = open(token);
    } catch (UpgradeRejectedException refused) {
      assertThat(refused.getStatus()).as("a feed refused on a full disk").isEqualTo(503);
      assertThat(refused.getBody().toJsonObject().getString("type")).endsWith("/database-unavailable");
      return null;
    }
    assertThat(tickets(feed.next(10_000))).as("a feed opened on a full disk")
        .containsExactlyInAnyOrderElementsOf(acknowledged);
    return feed;
  }

  /**
   * The tickets of the next {@code count} check-ins on {@code feed}, whose events must follow each other in seq with no
   * gap and nothing else between them.
   */
  private static List<String> checkedIn(StaffFeed feed, int count) throws InterruptedException {
    List<String> tickets = new ArrayList<>();
    Long previous = null;
    while (tickets.size() < count) {
      JsonObject event = feed.next(30_000);
      assertThat(event.getString("event")).as("%s", event).isEqualTo("checked_in");
      if (previous != null) assertThat(event.getLong("seq")).as("seq after %d", previous).isEqualTo(previous + 1);
      previous = event.getLong("seq");
      tickets.add(event.getJsonObject("entry").getString("ticket"));
    }
    return tickets;
  }

  private static List<String> tickets(JsonObject snapshot) {
    assertThat(snapshot.getString("type")).as("%s", snapshot).isEqualTo("snapshot");
    return snapshot.getJsonArray("queues").getJsonObject(0).getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getString("ticket")).toList();
  }

  private HttpResponse<Buffer> checkIn(WebClient rest, String token, String name) {
    return rest.post(server.port(), "127.0.0.1", "/api/v1/queues/general/check-ins")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("patient", new JsonObject().put("name", name))).await();
  }

  /** Writes {@code file} until the filesystem has no byte left. */
  private static void fill(Path file) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        try {
          out.write(chunk);
        } catch (IOException full) {
          break;
        }
      }
      for (int i = 0; i < 64 * 1024; i++) {
        try {
          out.write(0);
          out.flush();
        } catch (IOException full) {
          return;
        }
      }
    } catch (IOException closingOnAFullDisk) {
      // the last buffered bytes had no room either
    }
  }
}
