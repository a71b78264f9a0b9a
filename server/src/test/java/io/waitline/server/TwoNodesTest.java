package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.waitline.edge.WaitlineNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Two Waitline nodes on one PostgreSQL, as in docker-compose.yml: what one node commits, the other's screens see. */
class TwoNodesTest {
  private static final long LIVE_MS = 1_000;
  /** Well within a feed's heartbeat (15 s), when it would otherwise notice its credential ended. */
  private static final long CLOSE_MS = 3_000;

  @TempDir Path dir;
  private NodePair nodes;
  private WebClient rest;
  private final List<StaffFeed> feeds = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    feeds.forEach(StaffFeed::close);
    if (rest != null) rest.close();
    if (nodes != null) nodes.close();
  }

  @Test
  void aStaffFeedOnOneNodeSeesACallMadeThroughTheOtherNodeWithinASecond() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger serverLog = (Logger) LoggerFactory.getLogger(WaitlineNode.class);
    log.start();
    serverLog.addAppender(log);
    try {
      String token = startTwoNodes();
      assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
          .filteredOn("Sharing queue events with other nodes through PostgreSQL LISTEN/NOTIFY"::equals).hasSize(2);

      StaffFeed feed = open("/ws/queues/general?view=staff&access_token=" + token);
      assertThat(feed.next(10_000).getString("type")).isEqualTo("snapshot");

      checkIn(token, "Ann Lee");
      assertThat(feed.next(LIVE_MS).getString("event")).isEqualTo("checked_in");

      HttpResponse<Buffer> call = postToFirst(token, "/api/v1/queues/general/call-next",
          new JsonObject().put("calledTo", "Room 3"), 200);
      JsonObject called = feed.next(LIVE_MS);
      assertThat(called.getString("event")).isEqualTo("called");
      assertThat(called.getLong("seq")).isEqualTo(2L);
      assertThat(called.getJsonObject("entry").getString("ticket"))
          .isEqualTo(call.bodyAsJsonObject().getString("ticket"));
      assertThat(called.getJsonObject("entry").getString("calledTo")).isEqualTo("Room 3");
    } finally {
      serverLog.detachAppender(log);
    }
  }

  @Test
  void aDeviceRevokedThroughOneNodeHasItsDisplayFeedOnTheOtherNodeClosedLongBeforeTheNextHeartbeat()
      throws Exception {
    String admin = startTwoNodes();
    HttpResponse<Buffer> pairing = postToFirst(admin, "/api/v1/sites/main/device-pairings",
        new JsonObject().put("kind", "display").put("name", "Lobby TV"), 201);
    JsonObject paired = postToFirst(null, "/api/v1/devices/pair",
        new JsonObject().put("code", pairing.bodyAsJsonObject().getString("code")), 201).bodyAsJsonObject();
    StaffFeed tv = open("/ws/queues/general?view=display&access_token=" + paired.getString("token"));
    StaffFeed desk = open("/ws/queues/general?view=staff&access_token=" + admin);
    assertThat(tv.next(10_000).getString("type")).isEqualTo("snapshot");
    assertThat(desk.next(10_000).getString("type")).isEqualTo("snapshot");

    HttpResponse<Buffer> revoked = rest.delete(nodes.first.port(), "127.0.0.1",
        "/api/v1/devices/" + paired.getJsonObject("device").getString("id"))
        .putHeader("Authorization", "Bearer " + admin).send().await();
    assertThat(revoked.statusCode()).as(revoked.bodyAsString()).isEqualTo(200);

    assertThat(tv.closedWithin(CLOSE_MS)).isEqualTo((short) 1008);
    assertStillLive(desk, admin);
  }

  @Test
  void anAccountDisabledThroughOneNodeHasItsStaffFeedOnTheOtherNodeClosedLongBeforeTheNextHeartbeat()
      throws Exception {
    String admin = startTwoNodes();
    HttpResponse<Buffer> created = postToFirst(admin, "/api/v1/staff", new JsonObject().put("username", "desk-one")
        .put("displayName", "Desk One").put("password", FirstAdmin.PASSWORD)
        .put("roles", new JsonArray().add(new JsonObject().put("role", "front-desk").put("siteId", "main"))), 201);
    String deskToken = postToFirst(null, "/api/v1/auth/tokens", new JsonObject().put("username", "desk-one")
        .put("password", FirstAdmin.PASSWORD), 201).bodyAsJsonObject().getString("token");
    StaffFeed deskFeed = open("/ws/queues/general?view=staff&access_token=" + deskToken);
    StaffFeed adminFeed = open("/ws/queues/general?view=staff&access_token=" + admin);
    assertThat(deskFeed.next(10_000).getString("type")).isEqualTo("snapshot");
    assertThat(adminFeed.next(10_000).getString("type")).isEqualTo("snapshot");

    HttpResponse<Buffer> disabled = rest.patch(nodes.first.port(), "127.0.0.1",
        "/api/v1/staff/" + created.bodyAsJsonObject().getString("id"))
        .putHeader("Authorization", "Bearer " + admin).sendJsonObject(new JsonObject().put("disabled", true))
        .await();
    assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isEqualTo(200);

    assertThat(deskFeed.closedWithin(CLOSE_MS)).isEqualTo((short) 1008);
    assertStillLive(adminFeed, admin);
  }

  /** Both nodes and a client of node 1; returns the first admin's token. */
  private String startTwoNodes() throws Exception {
    nodes = NodePair.start(dir, Map.of());
    rest = WebClient.create(nodes.first.vertx());
    return nodes.adminToken;
  }

  /** POSTs {@code body} to node 1 with {@code token} (null: none) and asserts the answer's status. */
  private HttpResponse<Buffer> postToFirst(String token, String path, JsonObject body, int status) {
    var request = rest.post(nodes.first.port(), "127.0.0.1", path);
    if (token != null) request.putHeader("Authorization", "Bearer " + token);
    HttpResponse<Buffer> response = request.sendJsonObject(body).await();
    assertThat(response.statusCode()).as("%s: %s", path, response.bodyAsString()).isEqualTo(status);
    return response;
  }

  private void checkIn(String token, String name) {
    postToFirst(token, "/api/v1/queues/general/check-ins",
        new JsonObject().put("patient", new JsonObject().put("name", name)), 201);
  }

  /** A feed that a credential change left open still gets the next check-in, as the next message (the marker). */
  private void assertStillLive(StaffFeed feed, String token) throws InterruptedException {
    checkIn(token, "Marker Patient");
    JsonObject next = feed.next(LIVE_MS);
    assertThat(next.getString("event") + "#" + next.getLong("seq")).isEqualTo("checked_in#1");
    assertThat(feed.isClosed()).isFalse();
  }


  /** A feed on node 2, closed after the test. */
  private StaffFeed open(String uri) {
    StaffFeed feed = StaffFeed.at(nodes.second, uri);
    feeds.add(feed);
    return feed;
  }
}
