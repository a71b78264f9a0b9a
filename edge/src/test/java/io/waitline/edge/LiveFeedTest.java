package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.waitline.access.DeviceKind;
import io.waitline.access.PairedDevice;
import io.waitline.access.Role;
import io.waitline.access.StaffAccount;
import io.waitline.queue.Entry;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.command.CheckIn;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Queue and site feeds: a snapshot with each queue's seq, then every event once, in seq order, no gaps. */
class LiveFeedTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  private static String staffFeed(String queue) {
    return "/ws/queues/" + queue + "?view=staff&access_token=" + app.adminToken();
  }

  static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("seq")).toList();
  }

  static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  @Test
  void aQueueFeedStartsWithASnapshotThenSendsEachCommandsEventOnceInSeqOrder() {
    String queue = app.newQueue();
    app.checkIn(queue, "Early Bird");
    app.checkIn(queue, "Second Bird");

    try (FeedClient feed = app.feed(staffFeed(queue))) {
      JsonArray queues = feed.next("snapshot").getJsonArray("queues");
      assertThat(queues).hasSize(1);
      JsonObject snapshot = queues.getJsonObject(0);
      assertThat(snapshot.getJsonObject("queue").getString("id")).isEqualTo(queue);
      assertThat(snapshot.getLong("seq")).isEqualTo(2);
      assertThat(snapshot.getJsonArray("entries")).hasSize(2);

      app.checkIn(queue, "Third Bird");
      Entry called = app.commands.callNext(queue, "Room 4", "test").await();
      app.commands.startService(called.id(), "test").await();
      app.commands.complete(called.id(), "test").await();
      app.commands.setStaffOnDuty(queue, 2, "test").await();

      List<JsonObject> events = feed.events(5);
      assertThat(seqs(events)).containsExactly(3L, 4L, 5L, 6L, 7L);
      assertThat(events).extracting(e -> e.getString("event"))
          .containsExactly("checked_in", "called", "service_started", "completed", "staff_changed");
      assertThat(events).allSatisfy(e -> assertThat(e.getString("queueId")).isEqualTo(queue));
      assertThat(events.get(0).getJsonObject("entry").getJsonObject("patient").getString("name"))
          .isEqualTo("Third Bird");
      assertThat(events.get(1).getJsonObject("entry").getString("calledTo")).isEqualTo("Room 4");
      app.assertNextIsMarker(queue, feed);
    }
  }

  @Test
  void aQueueFeedCarriesOnlyItsOwnQueuesEvents() {
    String mine = app.newQueue();
    String other = app.newQueue();
    try (FeedClient feed = app.feed(staffFeed(mine))) {
      long start = feed.next("snapshot").getJsonArray("queues").getJsonObject(0).getLong("seq");
      app.checkIn(other, "Elsewhere Person");
      app.checkIn(mine, "Here Person");

      JsonObject event = feed.next("event");
      assertThat(event.getString("queueId")).isEqualTo(mine);
      assertThat(event.getLong("seq")).isEqualTo(start + 1);
      app.assertNextIsMarker(mine, feed);
    }
  }

  @Test
  void concurrentCommandsReachTheFeedInSeqOrderWithoutGapsOrDuplicates() {
    String queue = app.newQueue();
    try (FeedClient feed = app.feed(staffFeed(queue))) {
      long start = feed.next("snapshot").getJsonArray("queues").getJsonObject(0).getLong("seq");
      // commits race each other, so their events may be published in any order
      List<Future<Entry>> checkIns = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        checkIns.add(app.commands.checkIn(queue, new CheckIn(new Patient("Racer " + i, null, null, null, null),
            Priority.NORMAL, null, null), "test").map(LinkedEntry::entry));
      }
      Future.all(checkIns).await();

      assertThat(seqs(feed.events(20))).containsExactlyElementsOf(range(start + 1, start + 20));
      app.assertNextIsMarker(queue, feed);
    }
  }

  @Test
  void commandsRacingTheConnectionAreNeitherLostNorDuplicated() throws Exception {
    String queue = app.newQueue();
    int commands = 25;
    Thread desk = new Thread(() -> {
      for (int i = 0; i < commands; i++) app.checkIn(queue, "Hurried " + i);
    });
    desk.start();
    try (FeedClient feed = app.feed(staffFeed(queue))) {
      long start = feed.next("snapshot").getJsonArray("queues").getJsonObject(0).getLong("seq");
      desk.join(10_000);
      assertThat(app.seq(queue)).isEqualTo(commands);

      assertThat(seqs(feed.events((int) (commands - start)))).containsExactlyElementsOf(range(start + 1, commands));
      app.assertNextIsMarker(queue, feed);
    }
  }

  @Test
  void aStaffFeedWithoutAStaffCredentialIsRefused() {
    String queue = app.newQueue();
    assertThat(app.refusedFeed("/ws/queues/" + queue + "?view=staff")).isEqualTo(401);
    assertThat(app.refusedFeed("/ws/queues/" + queue + "?view=staff&access_token=not-the-staff-token"))
        .isEqualTo(401);
    assertThat(app.refusedFeed("/ws/sites/" + TestApp.SITE + "?view=staff")).isEqualTo(401);
    String display = app.deviceToken(TestApp.SITE, DeviceKind.DISPLAY);
    assertThat(app.refusedFeed("/ws/queues/" + queue + "?view=staff&access_token=" + display)).isEqualTo(403);
  }

  @Test
  void aStaffFeedNeedsADeskRoleAtThatSite() {
    String elsewhere = app.newSite();
    String deskHere = app.staffToken(TestApp.SITE, Role.FRONT_DESK);
    String deskElsewhere = app.staffToken(elsewhere, Role.FRONT_DESK);

    assertThat(app.refusedFeed("/ws/sites/" + TestApp.SITE + "?view=staff&access_token=" + deskElsewhere))
        .isEqualTo(403);
    assertThat(app.refusedFeed("/ws/queues/" + TestApp.GENERAL + "?view=staff&access_token=" + deskElsewhere))
        .isEqualTo(403);
    try (FeedClient feed = app.feed("/ws/queues/" + TestApp.GENERAL + "?view=staff&access_token=" + deskHere)) {
      assertThat(feed.next("snapshot").getJsonArray("queues")).hasSize(1);
    }
  }

  @Test
  void openingAStaffFeedIsWrittenToTheAuditLog() {
    StaffAccount desk = app.account(TestApp.SITE, Role.FRONT_DESK);
    String queue = app.newQueue();
    try (FeedClient feed = app.feed("/ws/queues/" + queue + "?view=staff&access_token=" + app.tokenOf(desk))) {
      feed.next("snapshot");
    }

    app.settledAuditId(); // the record is written alongside the upgrade: waited for up to a later marker
    JsonArray records = app.get("/api/v1/audit?action=openStaffFeed&actorId=" + desk.id()).bodyAsJsonObject()
        .getJsonArray("items");
    assertThat(records).hasSize(1);
    JsonObject record = records.getJsonObject(0);
    assertThat(record.getString("siteId")).isEqualTo(TestApp.SITE);
    assertThat(record.getString("actorKind")).isEqualTo("staff");
    assertThat(record.getJsonObject("detail").getString("queueId")).isEqualTo(queue);
  }

  @Test
  void theDisplayFeedNeedsADisplayOfThatSiteOrStaffThere() {
    String queue = app.newQueue();
    String elsewhere = app.newSite();
    assertThat(app.refusedFeed("/ws/queues/" + queue + "?view=display")).isEqualTo(401);
    assertThat(app.refusedFeed("/ws/queues/" + queue + "?access_token="
        + app.deviceToken(elsewhere, DeviceKind.DISPLAY))).isEqualTo(403);
    assertThat(app.refusedFeed("/ws/queues/" + queue + "?access_token="
        + app.deviceToken(TestApp.SITE, DeviceKind.KIOSK))).isEqualTo(403);
    try (FeedClient feed = app.feed("/ws/queues/" + queue + "?access_token="
        + app.staffToken(TestApp.SITE, Role.CLINICIAN))) {
      assertThat(feed.next("snapshot").getJsonArray("queues")).hasSize(1);
    }
  }

  @Test
  void revokingADisplayClosesItsOpenFeedsAndRefusesItsToken() {
    PairedDevice tv = app.device(TestApp.SITE, DeviceKind.DISPLAY);
    String uri = "/ws/sites/" + TestApp.SITE + "?view=display&access_token=" + tv.token();
    try (FeedClient feed = app.feed(uri)) {
      feed.next("snapshot");
      assertThat(app.staff(HttpMethod.DELETE, "/api/v1/devices/" + tv.device().id()).send().await().statusCode())
          .isEqualTo(200);

      assertThat(feed.awaitClose()).isEqualTo((short) 1008);
    }
    assertThat(app.refusedFeed(uri)).isEqualTo(401);
  }

  @Test
  void theDisplayFeedCarriesNoPatient() {
    String queue = app.newQueue();
    app.checkIn(queue, "Gwendolyn Fairweather");
    String tv = app.deviceToken(TestApp.SITE, DeviceKind.DISPLAY);

    for (String uri : List.of("/ws/queues/" + queue + "?view=display&access_token=" + tv,
        "/ws/queues/" + queue + "?access_token=" + tv)) {
      try (FeedClient feed = app.feed(uri)) {
        JsonObject snapshot = feed.next("snapshot").getJsonArray("queues").getJsonObject(0);
        long start = snapshot.getLong("seq");
        assertThat(snapshot.getJsonArray("entries")).isNotEmpty()
            .allSatisfy(e -> assertThat(((JsonObject) e).containsKey("patient")).isFalse());

        Entry montgomery = app.checkIn(queue, "Montgomery Fairweather");
        app.commands.callNext(queue, "Room 9", "test").await();

        List<JsonObject> events = feed.events(2);
        assertThat(seqs(events)).containsExactly(start + 1, start + 2);
        assertThat(events).allSatisfy(e -> assertThat(e.getJsonObject("entry").containsKey("patient")).isFalse());
        assertThat(events.get(0).getJsonObject("entry").getString("ticket")).isEqualTo(montgomery.ticket());
        assertThat(events.get(1).getJsonObject("entry").getString("calledTo")).isEqualTo("Room 9");
        assertThat(feed.rawMessages()).noneMatch(m -> m.contains("Fairweather"));
      }
    }
  }

  @Test
  void aSiteFeedSnapshotsEveryQueueThenSendsEachQueuesEventsInOrder() {
    String site = app.newSite();
    String a = site + "-a";
    String b = site + "-b";
    app.checkIn(a, "Before Everyone");

    try (FeedClient feed = app.siteStaffFeed(site)) {
      JsonArray queues = feed.next("snapshot").getJsonArray("queues");
      assertThat(queues).extracting(q -> ((JsonObject) q).getJsonObject("queue").getString("id"))
          .containsExactlyInAnyOrder(a, b);
      assertThat(queues).extracting(q -> ((JsonObject) q).getLong("seq")).containsExactlyInAnyOrder(1L, 0L);

      app.checkIn(a, "Ann Alpha");
      app.checkIn(b, "Ben Beta");
      app.commands.callNext(a, "Room 1", "test").await();
      app.checkIn(b, "Bea Beta");
      app.commands.callNext(b, "Room 2", "test").await();

      List<JsonObject> events = feed.events(5);
      assertThat(events).extracting(e -> e.getString("queueId") + "#" + e.getLong("seq"))
          .containsExactly(a + "#2", b + "#1", a + "#3", b + "#2", b + "#3");
      app.assertNextIsMarker(a, feed);
    }
  }

  @Test
  void aFeedOfAnUnknownQueueOrSiteIsRefusedWith404() {
    assertThat(app.refusedFeed("/ws/queues/no-such-queue?access_token=" + app.adminToken())).isEqualTo(404);
    assertThat(app.refusedFeed("/ws/sites/no-such-site?access_token=" + app.adminToken())).isEqualTo(404);
  }

  @Test
  void aPlainHttpRequestToAFeedIsA400ProblemAndLeavesTheConnectionUsable() {
    // one pooled connection, so every request reuses the first one's
    WebClient client = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(app.port()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    try {
      for (String path : List.of("/ws/queues/" + TestApp.GENERAL, "/ws/sites/" + TestApp.SITE,
          "/ws/visits/" + "A".repeat(32))) {
        TestApp.problem(client.get(path).timeout(5_000).send().await(), 400);
      }
      assertThat(client.get("/health/live").timeout(5_000).send().await().statusCode()).isEqualTo(200);
    } finally {
      client.close();
    }
  }

  @Test
  void aQueueAddedToTheSiteAfterConnectingArrivesAsItsOwnSnapshot() {
    String site = app.newSite();
    try (FeedClient feed = app.siteStaffFeed(site)) {
      assertThat(feed.next("snapshot").getJsonArray("queues")).hasSize(2);
      app.queue(site, site + "-c", "SC");
      app.checkIn(site + "-c", "Newly Queued");

      JsonArray queues = feed.next("snapshot").getJsonArray("queues");
      assertThat(queues).hasSize(1);
      assertThat(queues.getJsonObject(0).getJsonObject("queue").getString("id")).isEqualTo(site + "-c");
      assertThat(queues.getJsonObject(0).getLong("seq")).isEqualTo(1);
      app.checkIn(site + "-c", "Second Newly");
      assertThat(feed.next("event").getLong("seq")).isEqualTo(2);
      app.assertNextIsMarker(site + "-c", feed);
    }
  }

  @Test
  void aFeedWithAMalformedSinceOrViewIsRefusedWith400() {
    assertThat(app.refusedFeed("/ws/queues/" + TestApp.GENERAL + "?since=yesterday")).isEqualTo(400);
    assertThat(app.refusedFeed("/ws/queues/" + TestApp.GENERAL + "?since=-3")).isEqualTo(400);
    assertThat(app.refusedFeed("/ws/queues/" + TestApp.GENERAL + "?view=everything")).isEqualTo(400);
    assertThat(app.refusedFeed("/ws/sites/" + TestApp.SITE + "?since=general")).isEqualTo(400);
  }
}
