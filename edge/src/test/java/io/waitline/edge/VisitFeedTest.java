package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.edge.feed.LiveFeeds;
import io.waitline.queue.Entry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A patient's own feed: their place as it changes, their call, through a transfer, and nobody else's data. */
class VisitFeedTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  /** The token is the last path segment of the patient link a check-in returns. */
  private static String linkToken(Entry e) {
    String link = app.get("/api/v1/entries/" + e.id()).bodyAsJsonObject().getString("patientLink");
    return link.substring(link.lastIndexOf('/') + 1);
  }

  private static JsonObject nextVisit(FeedClient feed) {
    return feed.next("visit").getJsonObject("visit");
  }

  @Test
  void theVisitFeedShowsTheOwnPlaceAndMovesItAsOthersAreCalled() {
    String queue = app.newQueue();
    Entry alice = app.checkIn(queue, "Alice Marchbanks");
    Entry bob = app.checkIn(queue, "Bob Marchbanks");
    Entry carol = app.checkIn(queue, "Carol Marchbanks");

    try (FeedClient feed = app.feed("/ws/visits/" + linkToken(carol))) {
      JsonObject visit = nextVisit(feed);
      assertThat(visit.getString("ticket")).isEqualTo(carol.ticket());
      assertThat(visit.getString("status")).isEqualTo("waiting");
      assertThat(visit.getInteger("position")).isEqualTo(3);
      assertThat(visit.getInteger("peopleAhead")).isEqualTo(2);

      app.commands.callNext(queue, "Room 1", "test").await(); // Alice
      visit = nextVisit(feed);
      assertThat(visit.getInteger("position")).isEqualTo(2);
      assertThat(visit.getInteger("peopleAhead")).isEqualTo(1);

      app.commands.callNext(queue, "Room 2", "test").await(); // Bob
      visit = nextVisit(feed);
      assertThat(visit.getInteger("position")).isEqualTo(1);
      assertThat(visit.getInteger("peopleAhead")).isZero();

      app.commands.callNext(queue, "Room 3", "test").await(); // Carol
      visit = nextVisit(feed);
      assertThat(visit.getString("status")).isEqualTo("called");
      assertThat(visit.getString("calledTo")).isEqualTo("Room 3");
      assertThat(visit.getValue("position")).isNull();

      assertThat(feed.rawMessages()).isNotEmpty().allSatisfy(m -> assertThat(m)
          .doesNotContain("Marchbanks").doesNotContain(alice.ticket()).doesNotContain(bob.ticket())
          .doesNotContain(alice.id().toString()).doesNotContain(bob.id().toString()));
    }
  }

  @Test
  void theVisitFeedSaysNothingWhenNothingChangesForThePatient() {
    String queue = app.newQueue();
    Entry first = app.checkIn(queue, "Prudence Ashdown");
    try (FeedClient feed = app.feed("/ws/visits/" + linkToken(first))) {
      assertThat(nextVisit(feed).getInteger("position")).isEqualTo(1);
      app.checkIn(queue, "Latecomer Ashdown"); // joins behind: first's place is the same
      app.assertNextVisitIsMarker(feed, queue);
    }
  }

  @Test
  void aPatientReconnectingWithSinceWhoseStateDidNotChangeGetsNoVisitAgain() {
    String queue = app.newQueue();
    app.checkIn(queue, "Ahead Quietly");
    String token = linkToken(app.checkIn(queue, "Returning Quietly"));
    long seq;
    try (FeedClient feed = app.feed("/ws/visits/" + token)) {
      JsonObject visit = nextVisit(feed);
      assertThat(visit.getInteger("position")).isEqualTo(2);
      seq = visit.getLong("seq");
    }
    // nothing at all happened: the client's state is the current one
    try (FeedClient feed = app.feed("/ws/visits/" + token + "?since=" + seq)) {
      assertThat(feed.next("resumed").getLong("since")).isEqualTo(seq);
      app.assertNextVisitIsMarker(feed, queue); // pauses the queue: the client holds that state now
      seq = app.seq(queue);
    }
    // others joined behind the patient: the queue moved on, the patient's state did not
    app.checkIn(queue, "Behind One");
    app.checkIn(queue, "Behind Two");
    try (FeedClient feed = app.feed("/ws/visits/" + token + "?since=" + seq)) {
      assertThat(feed.next("resumed").getLong("since")).isEqualTo(seq);
      app.assertNextVisitIsMarker(feed, queue); // resumes it

      // and the feed is live from there
      app.commands.callNext(queue, "Room 1", "test").await();
      JsonObject moved = nextVisit(feed);
      assertThat(moved.getInteger("position")).isEqualTo(1);
      assertThat(moved.getLong("seq")).isEqualTo(seq + 4);
    }
  }

  @Test
  void aPatientReconnectingWithSinceWhoseStateChangedGetsTheWholeVisit() {
    String queue = app.newQueue();
    app.checkIn(queue, "Ahead Of Them");
    Entry patient = app.checkIn(queue, "Returning Changed");
    String token = linkToken(patient);
    long seq;
    try (FeedClient feed = app.feed("/ws/visits/" + token)) {
      seq = nextVisit(feed).getLong("seq");
    }
    // the patient moved up while away (an event about someone else, carrying the new lineup)
    app.commands.callNext(queue, "Room 1", "test").await();
    long movedSeq;
    try (FeedClient feed = app.feed("/ws/visits/" + token + "?since=" + seq)) {
      JsonObject visit = nextVisit(feed);
      assertThat(visit.getInteger("position")).isEqualTo(1);
      app.assertNextVisitIsMarker(feed, queue); // pauses the queue: the client holds that state now
      movedSeq = app.seq(queue);
    }
    // the patient's own entry changed (running late), their place did not
    app.commands.runningLate(patient.id(), "test").await();
    try (FeedClient feed = app.feed("/ws/visits/" + token + "?since=" + movedSeq)) {
      JsonObject visit = nextVisit(feed);
      assertThat(visit.getBoolean("runningLate")).isTrue();
      assertThat(visit.getInteger("position")).isEqualTo(1);
    }
    // a since too far behind to check (even if only others joined since), or ahead of the queue, gets it too
    for (int i = 0; i <= LiveFeeds.VISIT_RESUME_WINDOW + 1; i++) app.checkIn(queue, "Behind " + i);
    for (long since : new long[] {app.seq(queue) - LiveFeeds.VISIT_RESUME_WINDOW - 1, app.seq(queue) + 5}) {
      try (FeedClient feed = app.feed("/ws/visits/" + token + "?since=" + since)) {
        assertThat(nextVisit(feed).getInteger("position")).isEqualTo(1);
      }
    }
  }

  @Test
  void aTransferredPatientReconnectingWithTheOldQueuesSeqGetsTheNewQueue() {
    String from = app.newQueue();
    String to = app.newQueue();
    Entry patient = app.checkIn(from, "Moving Along");
    String token = linkToken(patient);
    long seq;
    try (FeedClient feed = app.feed("/ws/visits/" + token)) {
      seq = nextVisit(feed).getLong("seq");
    }
    // the target queue is now at the very seq the client holds of the old one
    app.post("/api/v1/entries/" + patient.id() + "/transfer", "{\"queueId\": \"" + to + "\"}");
    assertThat(app.seq(to)).isEqualTo(seq);
    try (FeedClient feed = app.feed("/ws/visits/" + token + "?since=" + seq)) {
      assertThat(nextVisit(feed).getString("queueId")).isEqualTo(to);
    }
  }

  @Test
  void aVisitFeedWithAMalformedSinceIsRefusedWith400() {
    String token = linkToken(app.checkIn(app.newQueue(), "Malformed Since"));
    assertThat(app.refusedFeed("/ws/visits/" + token + "?since=soon")).isEqualTo(400);
    assertThat(app.refusedFeed("/ws/visits/" + token + "?since=-1")).isEqualTo(400);
  }

  @Test
  void theVisitFeedFollowsThePatientThroughATransferOnTheSameLink() {
    String from = app.newQueue();
    String to = app.newQueue();
    Entry ahead = app.checkIn(to, "Dorothea Fenwick"); // already waiting in the target queue
    Entry patient = app.checkIn(from, "Eustace Fenwick");
    String token = linkToken(patient);

    try (FeedClient feed = app.feed("/ws/visits/" + token)) {
      JsonObject visit = nextVisit(feed);
      assertThat(visit.getString("queueId")).isEqualTo(from);
      assertThat(visit.getString("ticket")).isEqualTo(patient.ticket());

      JsonObject moved = app.post("/api/v1/entries/" + patient.id() + "/transfer", "{\"queueId\": \"" + to + "\"}")
          .bodyAsJsonObject();
      assertThat(moved.getString("patientLink")).endsWith("/" + token);

      visit = nextVisit(feed);
      assertThat(visit.getString("queueId")).isEqualTo(to);
      assertThat(visit.getString("ticket")).isEqualTo(moved.getString("ticket")).isNotEqualTo(patient.ticket());
      assertThat(visit.getInteger("position")).isEqualTo(2);

      app.commands.callNext(to, "Room 5", "test").await(); // Dorothea, ahead in the new queue
      visit = nextVisit(feed);
      assertThat(visit.getInteger("position")).isEqualTo(1);
      assertThat(visit.getInteger("peopleAhead")).isZero();

      app.commands.callNext(to, "Room 6", "test").await(); // now the patient
      visit = nextVisit(feed);
      assertThat(visit.getString("status")).isEqualTo("called");
      assertThat(visit.getString("calledTo")).isEqualTo("Room 6");

      assertThat(feed.rawMessages()).allSatisfy(m -> assertThat(m).doesNotContain("Fenwick")
          .doesNotContain(ahead.ticket()).doesNotContain(ahead.id().toString()));
    }
  }

  @Test
  void theVisitFeedShowsWhenTheQueueIsPaused() {
    String queue = app.newQueue();
    Entry patient = app.checkIn(queue, "Horatio Blandings");
    try (FeedClient feed = app.feed("/ws/visits/" + linkToken(patient))) {
      assertThat(nextVisit(feed).getBoolean("queuePaused")).isFalse();
      app.post("/api/v1/queues/" + queue + "/pause");
      assertThat(nextVisit(feed).getBoolean("queuePaused")).isTrue();
    }
  }

  @Test
  void theVisitFeedEndsWhenTheVisitEnds() {
    String queue = app.newQueue();
    Entry patient = app.checkIn(queue, "Lavinia Tressider");
    try (FeedClient feed = app.feed("/ws/visits/" + linkToken(patient))) {
      nextVisit(feed);
      app.post("/api/v1/entries/" + patient.id() + "/leave");
      assertThat(feed.next("ended").getString("message")).isNotBlank();
      assertThat(feed.awaitClose()).isEqualTo((short) 1000);
    }
  }

  @Test
  void aVisitFeedForAnUnknownOrEndedLinkIsRefused() {
    assertThat(app.refusedFeed("/ws/visits/" + "Z".repeat(32))).isEqualTo(404);

    String queue = app.newQueue();
    Entry patient = app.checkIn(queue, "Cornelius Ended");
    String token = linkToken(patient);
    app.commands.cancel(patient.id(), "test").await();
    assertThat(app.refusedFeed("/ws/visits/" + token)).isEqualTo(410);
  }

  @Test
  void aVisitFeedForYesterdaysLinkIsRefused() {
    String queue = app.newQueue();
    String token = linkToken(app.checkIn(queue, "Yesterday Person"));
    app.clock.advance(Duration.ofDays(1));
    try {
      assertThat(app.refusedFeed("/ws/visits/" + token)).isEqualTo(410);
    } finally {
      app.clock.advance(Duration.ofDays(-1));
    }
  }
}
