package io.waitline.queue.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.Status;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * entry_transition keeps no foreign key to entry (V12): a transition is written only from the entry row its own
 * statement inserted or changed.
 */
class EntryTransitionsTest {
  private static final TestClock CLOCK = new TestClock(Instant.parse("2026-11-20T09:00:00Z"), Duration.ofMillis(1));

  private Vertx vertx;
  private Pool pool;
  private QueueCommands commands;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, TestDatabase.freshDatabase(), 2);
    commands = new QueueCommands(pool, new QueueStore(), event -> {}, new ServiceTimeEstimator(), CLOCK);
    commands.createSite(new Site("s1", "Site", ZoneId.of("Europe/Paris"), "fr", "ticket")).await();
    commands.createQueue(new ServiceQueue("q1", "s1", "Lab", "A", OrderingRule.DEFAULT, 600, false, 1, 0)).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aCheckInAndACallEachRecordTheirEntrysTransition() {
    Entry e = commands.checkIn("q1", new CheckIn(new Patient("Ann Lee", null, null, null, null), null, null, null),
        "desk-1").await().entry();
    commands.callNext("q1", "Room 1", "desk-2").await();

    assertThat(transitions(e.id())).containsExactly("null→waiting by desk-1", "waiting→called by desk-2");
  }

  @Test
  void changingAnEntryThatIsNotThereFailsAndRecordsNoTransition() {
    Entry e = commands.checkIn("q1", new CheckIn(new Patient("Ann Lee", null, null, null, null), null, null, null),
        "desk-1").await().entry();
    Entry missing = new Entry(UUID.randomUUID(), e.queueId(), e.ticket(), e.patient(), e.priority(), null, null,
        e.placeAt(), e.status(), e.statusSince(), null, false, null);

    assertThatThrownBy(() -> pool.withTransaction(c -> new QueueStore().updateEntryWithTransition(c, missing,
        missing.withStatus(Status.CALLED, CLOCK.instant(), "Room 1"), CLOCK.instant(), "desk-2", null)).await())
        .hasMessageContaining("No entry with id '" + missing.id() + "'");
    assertThat(transitions(missing.id())).isEmpty();
    assertThat(transitions(e.id())).containsExactly("null→waiting by desk-1"); // a marker: the real one is intact
  }

  private List<String> transitions(UUID entryId) {
    List<String> out = new ArrayList<>();
    for (Row r : pool.preparedQuery("SELECT from_status, to_status, actor FROM entry_transition WHERE entry_id = $1"
        + " ORDER BY id").execute(Tuple.of(entryId)).await()) {
      out.add(r.getString("from_status") + "→" + r.getString("to_status") + " by " + r.getString("actor"));
    }
    return out;
  }
}
