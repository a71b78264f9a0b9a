package io.waitline.edge;

import io.waitline.edge.feed.EventSequencer;
import static io.waitline.edge.LiveFeedTest.range;
import static io.waitline.edge.LiveFeedTest.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.command.QueueCommands;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client reconnecting with {@code since} gets {@code resumed} and exactly the events it missed, or a fresh
 * snapshot when replay is impossible (since ahead of the queue) or too long (more than 500 events behind).
 */
class FeedResumeTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();
  /**
   * A queue with more than {@link EventSequencer#MAX_REPLAY} events, made once: 80 patients, then changes of staff,
   * so that its last 500 events (each with the line as it was) are more than one replay page.
   */
  private static String longQueue;

  @BeforeAll
  static void start() {
    longQueue = app.newQueue();
    for (int i = 0; i < 80; i++) app.checkIn(longQueue, "Waiting Patient" + i);
    for (int i = 80; i < EventSequencer.MAX_REPLAY + 1; i++) {
      app.commands.setStaffOnDuty(longQueue, 1 + i % 3, "test").await();
    }
  }

  private static String feed(String queue, long since) {
    return "/ws/queues/" + queue + "?view=staff&access_token=" + app.adminToken() + "&since=" + since;
  }

  @Test
  void reconnectingWithSinceSendsResumedThenExactlyTheMissedEvents() {
    String queue = app.newQueue();
    long last;
    try (FeedClient first = app.staffFeed(queue)) {
      long start = first.next("snapshot").getJsonArray("queues").getJsonObject(0).getLong("seq");
      app.checkIn(queue, "Seen Once");
      app.checkIn(queue, "Seen Twice");
      last = first.events(2).get(1).getLong("seq");
      assertThat(last).isEqualTo(start + 2);
    }
    // while the client is away
    app.checkIn(queue, "Missed One");
    app.commands.callNext(queue, "Room 1", "test").await();
    app.commands.setStaffOnDuty(queue, 4, "test").await();

    try (FeedClient again = app.feed(feed(queue, last))) {
      JsonObject resumed = again.next("resumed");
      assertThat(resumed.getJsonObject("since").getLong(queue)).isEqualTo(last);
      List<JsonObject> missed = again.events(3);
      assertThat(seqs(missed)).containsExactly(last + 1, last + 2, last + 3);
      assertThat(missed).extracting(e -> e.getString("event")).containsExactly("checked_in", "called", "staff_changed");
      // nothing else, and it stays live afterwards
      app.assertNextIsMarker(queue, again);
    }
  }

  @Test
  void aQueueFeedAlsoResumesFromSinceInTheSiteFeedsFormAsTheWebPagesSendIt() {
    String queue = app.newQueue();
    String other = app.newQueue();
    app.checkIn(queue, "Seen Before");
    app.checkIn(queue, "Missed After");
    String base = "/ws/queues/" + queue + "?view=staff&access_token=" + app.adminToken();
    try (FeedClient feed = app.feed(base + "&since=" + other + ":0," + queue + ":1")) {
      assertThat(feed.next("resumed").getJsonObject("since").getLong(queue)).isEqualTo(1);
      assertThat(seqs(List.of(feed.next("event")))).containsExactly(2L);
      app.assertNextIsMarker(queue, feed);
    }
    // a since that does not name this queue says nothing about it: a snapshot
    try (FeedClient feed = app.feed(base + "&since=" + other + ":0")) {
      assertThat(feed.next("snapshot").getJsonArray("queues").getJsonObject(0).getLong("seq"))
          .isEqualTo(app.seq(queue));
    }
  }

  @Test
  void commandsDuringAResumeAreNeitherLostNorDuplicated() throws Exception {
    String queue = app.newQueue();
    for (int i = 0; i < 5; i++) app.checkIn(queue, "Before " + i);
    int more = 25;
    Thread desk = new Thread(() -> {
      for (int i = 0; i < more; i++) app.checkIn(queue, "During " + i);
    });
    desk.start();
    try (FeedClient feed = app.feed(feed(queue, 2))) {
      feed.next("resumed");
      desk.join(10_000);
      long current = app.seq(queue);
      assertThat(current).isEqualTo(5 + more);
      assertThat(seqs(feed.events((int) current - 2))).containsExactlyElementsOf(range(3, current));
      app.assertNextIsMarker(queue, feed);
    }
  }

  @Test
  void sinceEqualToTheCurrentSeqResumesWithNothingToReplay() {
    String queue = app.newQueue();
    app.checkIn(queue, "Only One");
    try (FeedClient feed = app.feed(feed(queue, 1))) {
      feed.next("resumed");
      app.assertNextIsMarker(queue, feed);
      assertThat(app.seq(queue)).isEqualTo(2);
    }
  }

  @Test
  void sinceAheadOfTheQueueGetsAFreshSnapshot() {
    String queue = app.newQueue();
    app.checkIn(queue, "Present Patient");
    try (FeedClient feed = app.feed(feed(queue, 50))) {
      JsonObject snapshot = feed.next("snapshot").getJsonArray("queues").getJsonObject(0);
      assertThat(snapshot.getLong("seq")).isEqualTo(1);
      assertThat(snapshot.getJsonArray("entries")).hasSize(1);
      app.checkIn(queue, "Later Patient");
      assertThat(feed.next("event").getLong("seq")).isEqualTo(2);
    }
  }

  @Test
  void sinceMoreThan500EventsBehindGetsAFreshSnapshot() {
    long current = app.seq(longQueue);
    try (FeedClient feed = app.feed(feed(longQueue, current - EventSequencer.MAX_REPLAY - 1))) {
      JsonObject snapshot = feed.next("snapshot").getJsonArray("queues").getJsonObject(0);
      assertThat(snapshot.getLong("seq")).isEqualTo(current);
      app.assertNextIsMarker(longQueue, feed);
    }
  }

  @Test
  void sinceExactly500EventsBehindReplaysAllOfThemAcrossReplayPages() {
    long current = app.seq(longQueue);
    long since = current - EventSequencer.MAX_REPLAY;
    assertThat(app.commands.eventsPage(longQueue, since, EventSequencer.MAX_REPLAY, QueueCommands.EVENTS_PAGE_BYTES)
        .await()).as("the replay is read in more than one page").hasSizeLessThan(EventSequencer.MAX_REPLAY);
    try (FeedClient feed = app.feed(feed(longQueue, since))) {
      feed.next("resumed");
      assertThat(seqs(feed.events(EventSequencer.MAX_REPLAY))).containsExactlyElementsOf(range(since + 1, current));
      app.assertNextIsMarker(longQueue, feed);
    }
  }

  @Test
  void aSiteFeedResumesEveryQueueFromItsOwnSeq() {
    String site = app.newSite();
    String a = site + "-a";
    String b = site + "-b";
    app.checkIn(a, "Alpha One");
    app.checkIn(b, "Beta One");
    app.checkIn(a, "Alpha Two");
    // the client had a at 1 and b at 1
    try (FeedClient feed = app.feed("/ws/sites/" + site + "?view=staff&access_token=" + app.adminToken()
        + "&since=" + a + ":1," + b + ":1")) {
      JsonObject resumed = feed.next("resumed");
      assertThat(resumed.getJsonObject("since").getLong(a)).isEqualTo(1);
      JsonObject missed = feed.next("event");
      assertThat(missed.getString("queueId") + "#" + missed.getLong("seq")).isEqualTo(a + "#2");
      app.assertNextIsMarker(b, feed);
    }
  }

  @Test
  void aSiteFeedResumingOnlySomeQueuesGetsAFreshSnapshot() {
    String site = app.newSite();
    app.checkIn(site + "-a", "Alpha One");
    try (FeedClient feed = app.feed("/ws/sites/" + site + "?view=staff&access_token=" + app.adminToken()
        + "&since=" + site + "-a:0")) {
      assertThat(feed.next("snapshot").getJsonArray("queues")).hasSize(2);
      app.assertNextIsMarker(site + "-a", feed);
    }
  }
}
