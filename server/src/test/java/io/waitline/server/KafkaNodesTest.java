package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.waitline.edge.WaitlineNode;
import io.waitline.queue.event.kafka.KafkaTestBroker;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Two Waitline nodes on one PostgreSQL sharing queue events through a real Kafka broker, as in docker-compose.yml. */
class KafkaNodesTest {
  /** The first event may wait for node 2's consumer to join its group; later ones only for the relay's pass. */
  private static final long FIRST_MS = 15_000;
  private static final long LIVE_MS = 2_000;

  @TempDir Path dir;
  private KafkaTestBroker broker;
  private NodePair nodes;
  private WebClient rest;
  private StaffFeed feed;

  @AfterEach
  void stop() throws Exception {
    if (feed != null) feed.close();
    if (rest != null) rest.close();
    if (nodes != null) nodes.close();
    if (broker != null) broker.close();
  }

  @Test
  void aCallOnNodeOneReachesAStaffFeedOnNodeTwoThroughKafkaInSeqOrder() throws Exception {
    broker = KafkaTestBroker.start();
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger nodeLog = (Logger) LoggerFactory.getLogger(WaitlineNode.class);
    log.start();
    nodeLog.addAppender(log);
    try {
      nodes = NodePair.start(dir, Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()));
    } finally {
      nodeLog.detachAppender(log);
    }
    assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(m -> m.startsWith("Sharing queue events with other nodes through Kafka topic "
            + "waitline.queue-events"))
        .hasSize(2);
    String token = nodes.adminToken;
    rest = WebClient.create(nodes.first.vertx());
    feed = StaffFeed.at(nodes.second, "/ws/queues/general?view=staff&access_token=" + token);
    assertThat(feed.next(10_000).getString("type")).isEqualTo("snapshot");

    post(token, "/api/v1/queues/general/check-ins", new JsonObject().put("patient", new JsonObject()
        .put("name", "Ann Lee")), 201);
    JsonObject checkedIn = feed.next(FIRST_MS);
    assertThat(checkedIn.getString("event") + "#" + checkedIn.getLong("seq")).isEqualTo("checked_in#1");

    HttpResponse<Buffer> call = post(token, "/api/v1/queues/general/call-next",
        new JsonObject().put("calledTo", "Room 3"), 200);
    JsonObject called = feed.next(LIVE_MS);
    assertThat(called.getString("event") + "#" + called.getLong("seq")).isEqualTo("called#2");
    assertThat(called.getJsonObject("entry").getString("ticket"))
        .isEqualTo(call.bodyAsJsonObject().getString("ticket"));
    assertThat(called.getJsonObject("entry").getString("calledTo")).isEqualTo("Room 3");
  }

  private HttpResponse<Buffer> post(String token, String path, JsonObject body, int status) {
    HttpResponse<Buffer> response = rest.post(nodes.first.port(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer " + token).sendJsonObject(body).await();
    assertThat(response.statusCode()).as("%s: %s", path, response.bodyAsString()).isEqualTo(status);
    return response;
  }
}
