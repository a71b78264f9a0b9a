package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.waitline.edge.WaitlineNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Two Waitline nodes on one PostgreSQL, as in docker-compose.yml: what one node commits, the other's screens see. */
class TwoNodesTest {
  private static final long LIVE_MS = 1_000;

  @TempDir Path dir;
  private EmbeddedDatabase database;
  private WaitlineServer first;
  private WaitlineServer second;
  private StaffFeed feed;

  @AfterEach
  void stop() throws Exception {
    if (feed != null) feed.close();
    if (second != null) second.stop();
    if (first != null) first.stop();
    if (database != null) database.close();
  }

  @Test
  void aStaffFeedOnOneNodeSeesACallMadeThroughTheOtherNodeWithinASecond() throws Exception {
    database = EmbeddedDatabase.start(dir.resolve("database"));
    String url = "postgresql://postgres:postgres@localhost:" + database.port() + "/" + EmbeddedDatabase.DATABASE;
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger serverLog = (Logger) LoggerFactory.getLogger(WaitlineNode.class);
    log.start();
    serverLog.addAppender(log);
    try {
      // node 1 migrates and creates the demo site; the first admin exists before node 2 starts, as operations.md says
      first = LoopbackNode.start(dir.resolve("node-1"), url, Map.of());
      String token = FirstAdmin.token(first, dir.resolve("node-1"));
      second = LoopbackNode.start(dir.resolve("node-2"), url, Map.of("WAITLINE_DEMO_DATA", "false"));
      assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
          .filteredOn("Sharing queue events with other nodes through PostgreSQL LISTEN/NOTIFY"::equals).hasSize(2);

      feed = StaffFeed.open(second, token);
      assertThat(feed.next(10_000).getString("type")).isEqualTo("snapshot");

      WebClient rest = WebClient.create(first.vertx());
      HttpResponse<Buffer> checkIn = rest.post(first.port(), "127.0.0.1", "/api/v1/queues/general/check-ins")
          .putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("patient", new JsonObject().put("name", "Ann Lee"))).await();
      assertThat(checkIn.statusCode()).as(checkIn.bodyAsString()).isEqualTo(201);
      assertThat(feed.next(LIVE_MS).getString("event")).isEqualTo("checked_in");

      HttpResponse<Buffer> call = rest.post(first.port(), "127.0.0.1", "/api/v1/queues/general/call-next")
          .putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("calledTo", "Room 3")).await();
      assertThat(call.statusCode()).as(call.bodyAsString()).isEqualTo(200);
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
}
