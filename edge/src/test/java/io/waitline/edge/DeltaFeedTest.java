package io.waitline.edge;

import static io.waitline.edge.LiveFeedTest.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Feed protocol 2 on the wire: a call is a small frame however long the line, a resumed client gets the deltas it
 * missed worked out against the seq it holds, and a protocol the server does not speak is refused with a sentence.
 * A client that never reads costs the server no more than its write queue: it is dropped (1013).
 */
class DeltaFeedTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  private static String feed(String queue, String view) {
    return "/ws/queues/" + queue + "?view=" + view + "&protocol=2&access_token=" + app.adminToken();
  }

  /** The frame as the server sent it, found by its seq among the feed's messages. */
  private static String raw(FeedClient feed, long seq) {
    return feed.rawMessages().stream().filter(m -> m.contains("\"type\":\"delta\"") && m.contains("\"seq\":" + seq + ","))
        .findFirst().orElseThrow();
  }

  @Test
  void aCallIsAFrameUnder512BytesWith200WaitingAndACheckInAtTheEndIsOneInsertion() {
    String queue = app.newQueue();
    for (int i = 1; i <= 200; i++) app.checkIn(queue, "Waiting Patient " + i);
    try (FeedClient display = app.feed(feed(queue, "display")); FeedClient desk = app.feed(feed(queue, "staff"))) {
      JsonArray line = display.next("snapshot").getJsonArray("queues").getJsonObject(0).getJsonArray("line");
      assertThat(line).hasSize(200);
      desk.next("snapshot");

      Entry called = app.commands.callNext(queue, "Room 12", "test").await();
      JsonObject call = display.next("delta");
      assertThat(call.getString("event")).isEqualTo("called");
      assertThat(call.getJsonObject("entry").getString("status")).isEqualTo("called");
      assertThat(call.getJsonObject("entry").getString("calledTo")).isEqualTo("Room 12");
      assertThat(call.getJsonObject("line"))
          .isEqualTo(new JsonObject().put("out", new JsonArray().add(called.id().toString())));
      assertThat(line.getString(0)).isEqualTo(called.id().toString());
      int displayBytes = raw(display, call.getLong("seq")).getBytes(StandardCharsets.UTF_8).length;
      desk.next("delta");
      int deskBytes = raw(desk, call.getLong("seq")).getBytes(StandardCharsets.UTF_8).length;
      System.out.printf("a call with 200 waiting: %d bytes (display), %d bytes (desk)%n", displayBytes, deskBytes);
      assertThat(displayBytes).as("bytes of the display's call frame").isLessThan(512);
      assertThat(deskBytes).as("bytes of the desk's call frame, with the patient's details but not the line")
          .isLessThan(640);

      Entry late = app.checkIn(queue, "Late Comer");
      JsonObject checkIn = display.next("delta");
      assertThat(checkIn.getJsonObject("line")).isEqualTo(new JsonObject()
          .put("in", new JsonArray().add(new JsonArray().add(199).add(late.id().toString()))));
      assertThat(checkIn.containsKey("queue")).as("the queue's settings did not change: %s", checkIn).isFalse();
    }
  }

  @Test
  void aClientResumingWithSinceGetsTheMissedDeltasAgainstTheSeqItHolds() {
    String queue = app.newQueue();
    Entry first = app.checkIn(queue, "Ann First");
    long last;
    try (FeedClient feed = app.feed(feed(queue, "display"))) {
      feed.next("snapshot");
      app.checkIn(queue, "Bo Second");
      last = feed.next("delta").getLong("seq");
    }
    // while the client is away
    Entry third = app.checkIn(queue, "Cy Third");
    app.commands.callNext(queue, "Room 1", "test").await();
    app.commands.setStaffOnDuty(queue, 3, "test").await();

    try (FeedClient again = app.feed(feed(queue, "display") + "&since=" + last)) {
      again.next("resumed");
      List<JsonObject> missed = List.of(again.next("delta"), again.next("delta"), again.next("delta"));
      assertThat(seqs(missed)).containsExactly(last + 1, last + 2, last + 3);
      assertThat(missed.get(0).getJsonObject("line").getJsonArray("in"))
          .containsExactly(new JsonArray().add(2).add(third.id().toString()));
      assertThat(missed.get(1).getJsonObject("line").getJsonArray("out")).containsExactly(first.id().toString());
      assertThat(missed.get(2).containsKey("line")).as("a staff change moves no one: %s", missed.get(2)).isFalse();
      assertThat(missed.get(2).getJsonObject("queue").getInteger("staffOnDuty")).isEqualTo(3);
      app.assertNextIsMarker(queue, again);
    }
  }

  @Test
  void aClientThatNeverReadsIsClosedWith1013AndSentNothingMore() throws Exception {
    String queue = app.newQueue();
    for (int i = 1; i <= 200; i++) app.checkIn(queue, "Waiting Patient " + i);
    int events = 150;
    // protocol 1, whose every frame carries the whole line (some 35 KB here), so the socket's buffers fill fast
    String path = "/ws/queues/" + queue + "?view=display&access_token=" + app.adminToken();
    try (Socket stuck = FeedProtocolTest.openRawFeed(app, path, 4096)) {
      for (int i = 0; i < events; i++) app.commands.setStaffOnDuty(queue, 1 + i % 2, "test").await();
      FeedProtocolTest.Closed closed = FeedProtocolTest.readUntilClose(stuck);
      assertThat(closed.code()).isEqualTo(1013);
      assertThat(closed.textFrames()).as("frames queued for it (a snapshot, then events) before it was dropped")
          .isLessThan(1 + events);
    }
  }

  @Test
  void aProtocolTheServerDoesNotSpeakIsRefusedWith400() {
    assertThat(app.refusedFeed("/ws/queues/" + TestApp.GENERAL + "?view=display&protocol=3&access_token="
        + app.adminToken())).isEqualTo(400);
  }
}
