package io.waitline.edge;

import static io.waitline.edge.LiveFeedTest.range;
import static io.waitline.edge.LiveFeedTest.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.edge.feed.EventSequencer;
import io.waitline.queue.event.QueueEvent;
import java.util.Comparator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events that reach the node lost, reversed or twice still reach clients once each, in seq order, without gaps:
 * the session fills gaps from the event log and drops what it has already sent.
 */
class UnreliableDeliveryTest {
  @RegisterExtension
  static final TestApp app = TestApp.nodeWithFaults(real -> publisher = new FaultyPublisher(real));
  private static FaultyPublisher publisher;

  @AfterEach
  void behave() {
    publisher.mode(FaultyPublisher.Mode.PASS);
  }

  private static long snapshotSeq(FeedClient feed, String queue) {
    return feed.next("snapshot").getJsonArray("queues").stream()
        .map(q -> (io.vertx.core.json.JsonObject) q)
        .filter(q -> q.getJsonObject("queue").getString("id").equals(queue))
        .findFirst().orElseThrow().getLong("seq");
  }

  @Test
  void eventsThePublisherLostAreFilledFromTheEventLog() {
    String queue = app.newQueue();
    app.checkIn(queue, "Already Here");
    try (FeedClient queueFeed = app.staffFeed(queue);
        FeedClient displayFeed = app.feed("/ws/queues/" + queue + "?view=display&access_token="
            + app.deviceToken(TestApp.SITE, io.waitline.access.DeviceKind.DISPLAY));
        FeedClient siteFeed = app.feed("/ws/sites/" + TestApp.SITE + "?view=staff&access_token=" + app.adminToken())) {
      long start = snapshotSeq(queueFeed, queue);
      assertThat(snapshotSeq(displayFeed, queue)).isEqualTo(start);
      assertThat(snapshotSeq(siteFeed, queue)).isEqualTo(start);

      publisher.mode(FaultyPublisher.Mode.DROP_EVERY_OTHER);
      for (int i = 0; i < 6; i++) app.checkIn(queue, "Patient " + i);

      assertThat(publisher.dropped()).extracting(QueueEvent::seq).containsExactly(start + 1, start + 3, start + 5);
      for (FeedClient feed : new FeedClient[] {queueFeed, displayFeed, siteFeed}) {
        assertThat(seqs(feed.events(6))).containsExactlyElementsOf(range(start + 1, start + 6));
      }
      publisher.mode(FaultyPublisher.Mode.PASS);
      app.assertNextIsMarker(queue, queueFeed, displayFeed, siteFeed);
    }
  }

  @Test
  void aGapTooLongToReplayIsClosedWithAFreshSnapshotOfThatQueueOnly() {
    String queue = app.newQueue();
    String quiet = app.newQueue();
    try (FeedClient siteFeed = app.feed("/ws/sites/" + TestApp.SITE + "?view=staff&access_token=" + app.adminToken())) {
      long start = snapshotSeq(siteFeed, queue);

      publisher.mode(FaultyPublisher.Mode.DROP_ALL);
      app.checkIn(queue, "Lost In The Gap");
      for (int i = 0; i < EventSequencer.MAX_REPLAY; i++) app.commands.setStaffOnDuty(queue, 1 + i % 3, "test").await();
      assertThat(publisher.dropped()).hasSize(EventSequencer.MAX_REPLAY + 1);
      publisher.mode(FaultyPublisher.Mode.PASS);
      app.checkIn(queue, "After The Gap");

      // more than 500 missing: one snapshot of that queue, as of the event that showed the gap, instead of a replay
      JsonArray queues = siteFeed.next("snapshot").getJsonArray("queues");
      assertThat(queues).hasSize(1);
      JsonObject snapshot = queues.getJsonObject(0);
      assertThat(snapshot.getJsonObject("queue").getString("id")).isEqualTo(queue);
      assertThat(snapshot.getLong("seq")).isEqualTo(start + EventSequencer.MAX_REPLAY + 2);
      assertThat(snapshot.getJsonArray("entries")).extracting(e -> ((JsonObject) e).getJsonObject("patient")
          .getString("name")).contains("Lost In The Gap", "After The Gap");

      // then live again, for that queue and the others, with nothing in between
      app.checkIn(queue, "Next In Line");
      app.checkIn(quiet, "Elsewhere Meanwhile");
      assertThat(siteFeed.events(2)).extracting(e -> e.getString("queueId") + "#" + e.getLong("seq"))
          .containsExactly(queue + "#" + (start + EventSequencer.MAX_REPLAY + 3), quiet + "#1");
    }
  }

  @Test
  void aPatientWhoseCallWasLostIsShownCalledWithTheNextChangeOfTheLine() {
    String queue = app.newQueue();
    app.checkIn(queue, "First Inline");
    io.waitline.queue.Entry mine = app.checkIn(queue, "Second Inline");
    try (FeedClient visit = app.feed("/ws/visits/" + app.visitToken(mine))) {
      assertThat(visit.next("visit").getJsonObject("visit").getInteger("position")).isEqualTo(2);

      publisher.mode(FaultyPublisher.Mode.DROP_EVERY_OTHER);
      app.commands.callNext(queue, "Room 1", "test").await(); // lost: the patient moves up, unseen
      app.commands.callNext(queue, "Room 2", "test").await(); // delivered: this patient is called
      io.vertx.core.json.JsonObject called = visit.next("visit").getJsonObject("visit");
      assertThat(called.getString("status")).isEqualTo("called");
      assertThat(called.getString("calledTo")).isEqualTo("Room 2");

      app.checkIn(queue, "Third Inline"); // lost
      publisher.mode(FaultyPublisher.Mode.PASS);
      app.checkIn(queue, "Fourth Inline");
      app.assertNextVisitIsMarker(visit, queue); // nothing changed for this patient before it
    }
  }

  @Test
  void aWaitingPatientMissingAnEventStillEndsAtTheRightPlace() {
    String queue = app.newQueue();
    for (int i = 0; i < 3; i++) app.checkIn(queue, "Ahead " + i);
    io.waitline.queue.Entry mine = app.checkIn(queue, "Behind Them");
    try (FeedClient visit = app.feed("/ws/visits/" + app.visitToken(mine))) {
      assertThat(visit.next("visit").getJsonObject("visit").getInteger("position")).isEqualTo(4);

      publisher.mode(FaultyPublisher.Mode.DROP_EVERY_OTHER);
      app.commands.callNext(queue, "Room 1", "test").await(); // lost
      app.commands.callNext(queue, "Room 2", "test").await(); // delivered, with the whole lineup

      io.vertx.core.json.JsonObject moved = visit.next("visit").getJsonObject("visit");
      assertThat(moved.getInteger("position")).isEqualTo(2);
      assertThat(moved.getInteger("peopleAhead")).isEqualTo(1);
    }
  }

  @Test
  void eventsPublishedInReverseOrderReachTheClientInSeqOrder() {
    String queue = app.newQueue();
    try (FeedClient feed = app.staffFeed(queue)) {
      long start = snapshotSeq(feed, queue);

      publisher.mode(FaultyPublisher.Mode.HOLD);
      app.checkIn(queue, "First In");
      app.checkIn(queue, "Second In");
      app.commands.callNext(queue, "Room 1", "test").await();
      app.checkIn(queue, "Third In");
      app.commands.setStaffOnDuty(queue, 3, "test").await();
      publisher.releaseReversed();

      assertThat(publisher.published()).containsExactly(start + 5, start + 4, start + 3, start + 2, start + 1)
          .isSortedAccordingTo(Comparator.reverseOrder());
      var events = feed.events(5);
      assertThat(seqs(events)).containsExactlyElementsOf(range(start + 1, start + 5));
      assertThat(events).extracting(e -> e.getString("event"))
          .containsExactly("checked_in", "checked_in", "called", "checked_in", "staff_changed");
      publisher.mode(FaultyPublisher.Mode.PASS);
      app.assertNextIsMarker(queue, feed);
    }
  }

  @Test
  void eventsPublishedTwiceReachTheClientOnce() {
    String queue = app.newQueue();
    try (FeedClient feed = app.staffFeed(queue)) {
      long start = snapshotSeq(feed, queue);

      publisher.mode(FaultyPublisher.Mode.DUPLICATE);
      for (int i = 0; i < 4; i++) app.checkIn(queue, "Twin " + i);

      assertThat(publisher.published()).hasSize(8);
      assertThat(seqs(feed.events(4))).containsExactlyElementsOf(range(start + 1, start + 4));
      app.assertNextIsMarker(queue, feed);
    }
  }
}
