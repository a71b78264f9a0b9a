package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.waitline.queue.Entry;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.retention.Retention;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.store.PersonalDataScan;
import io.waitline.queue.store.VisitRetention;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention in queue-core on real PostgreSQL: visits of days past retention lose every patient detail in every
 * table (a scan of every text, JSON and date column), recent visits keep theirs, the insights views read the same,
 * a second run changes nothing, a batch that fails midway leaves its visits as they were, and a node leaves the work
 * to another that holds the lock.
 */
class VisitRetentionTest {
  /** 11:00 in Paris, 2026-11-20: with 180 days kept, 2026-05-24 is the first day whose visits keep details. */
  private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  private static final Set<String> HISTORIES = Set.of("flyway_schema_history");

  private QueueWorld world;
  /** What the old visits were seeded with, and the recent one. */
  private final List<String> oldDetails = new ArrayList<>();
  private final List<String> recentDetails = new ArrayList<>();

  @BeforeEach
  void seed() {
    world = QueueWorld.start(4, new TestClock(Instant.parse("2026-03-02T08:00:00Z")));
    ServiceQueue lab = world.queue("L");
    ServiceQueue xray = world.queue("X");
    // 2026-03-02: a walk-in seen and done; an appointment that arrived, was transferred and left
    LinkedEntry olga = checkIn(lab, new Patient("Olga Oldfield", LocalDate.parse("1961-02-03"), "MRN-OLD-7731",
        "+33611100001", "olga.old@example.org"));
    Entry called = world.get(world.commands.callNext(lab.id(), "Room 4", "desk"));
    assertThat(called.id()).isEqualTo(olga.entry().id());
    world.get(world.commands.startService(called.id(), "doc"));
    world.get(world.commands.complete(called.id(), "doc"));
    LinkedEntry otto = world.get(world.commands.expect(lab.id(), new CheckIn(new Patient("Otto Oldappt",
        LocalDate.parse("1958-09-10"), "MRN-OLD-8842", "+33611100002", "otto.old@example.org"), Priority.NORMAL,
        Instant.parse("2026-03-02T09:00:00Z"), "appt-old-5521"), "pms"));
    world.clock.set(Instant.parse("2026-03-02T08:50:00Z"));
    world.get(world.commands.arrive(otto.entry().id(), "desk"));
    LinkedEntry moved = world.get(world.commands.transfer(otto.entry().id(), xray.id(), null, "desk"));
    world.get(world.commands.leave(moved.entry().id(), "patient"));
    oldDetails.addAll(List.of("Olga Oldfield", "1961-02-03", "MRN-OLD-7731", "+33611100001", "olga.old@example.org",
        olga.visitToken(), "Otto Oldappt", "1958-09-10", "MRN-OLD-8842", "+33611100002", "otto.old@example.org",
        "appt-old-5521", otto.visitToken()));
    // yesterday: a walk-in still kept
    world.clock.set(Instant.parse("2026-11-19T09:00:00Z"));
    LinkedEntry rita = checkIn(lab, new Patient("Rita Recent", LocalDate.parse("1975-06-07"), "MRN-NEW-1234",
        "+33622200001", "rita.new@example.org"));
    world.get(world.commands.callNext(lab.id(), "Room 4", "desk"));
    recentDetails.addAll(List.of("Rita Recent", "1975-06-07", "MRN-NEW-1234", "+33622200001",
        "rita.new@example.org", rita.visitToken()));
    world.clock.set(NOW);
  }

  @AfterEach
  void close() {
    world.close();
  }

  @Test
  void oldVisitsLoseEveryPatientDetailInEveryTableWhileRecentOnesAndTheInsightViewsStay() {
    PersonalDataScan scan = new PersonalDataScan(world.pool, HISTORIES);
    assertThat(scan.columns()).as("columns scanned").isGreaterThan(20);
    for (String value : oldDetails) assertThat(scan.whereIs(value)).as("%s before retention", value).isNotEmpty();
    Map<String, TreeSet<String>> recentBefore = where(scan, recentDetails);
    List<String> views = views();
    assertThat(views).as("visits and shown estimates").hasSizeGreaterThan(5);

    // batches of two: the three old entries (Otto's transfer made a second one) take two batches
    assertThat(removeDetails(2, NOW)).isEqualTo(3);

    for (String value : oldDetails) assertThat(scan.whereIs(value)).as("%s after retention", value).isEmpty();
    assertThat(where(scan, recentDetails)).isEqualTo(recentBefore);
    assertThat(views()).as("insight_visit and insight_shown_estimate").isEqualTo(views);
    // the stripped log still reads, and an old patient link leads nowhere
    List<String> names = new ArrayList<>();
    for (Row r : world.get(world.pool.query("SELECT id FROM service_queue ORDER BY 1").execute())) {
      world.get(world.commands.eventsAfter(r.getString(0), 0, 1000))
          .forEach(ev -> names.add(ev.payload().entry() == null ? "-" : ev.payload().entry().patient().name()));
    }
    assertThat(names).contains("", "Rita Recent").doesNotContain("Olga Oldfield", "Otto Oldappt");
    assertThatThrownBy(() -> world.get(world.commands.visit(oldDetails.get(5))))
        .isInstanceOf(QueueException.NotFound.class);
    // yesterday's link is still known, as expired
    assertThatThrownBy(() -> world.get(world.commands.visit(recentDetails.get(5))))
        .isInstanceOf(QueueException.Gone.class);
  }

  @Test
  void aSecondRunChangesNothing() {
    assertThat(removeDetails(500, NOW)).isEqualTo(3);
    String after = everyRow();
    assertThat(removeDetails(500, NOW)).isZero();
    assertThat(everyRow()).isEqualTo(after);
  }

  @Test
  void aBatchThatFailsMidwayLeavesItsVisitsAsTheyWereAndTheNextRunFinishesThem() {
    String before = everyRow();
    // the batch's entries are updated, then rewriting their events fails: as a node killed between the two would
    world.get(world.pool.query("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
        + " $$ BEGIN RAISE EXCEPTION 'cut off'; END $$").execute());
    world.get(world.pool.query("CREATE TRIGGER cut_off BEFORE UPDATE ON queue_event FOR EACH ROW"
        + " EXECUTE FUNCTION refuse()").execute());
    assertThatThrownBy(() -> removeDetails(2, NOW)).hasMessageContaining("cut off");
    assertThat(everyRow()).as("nothing half-written").isEqualTo(before);

    world.get(world.pool.query("DROP TRIGGER cut_off ON queue_event").execute());
    assertThat(removeDetails(2, NOW)).isEqualTo(3);
    PersonalDataScan scan = new PersonalDataScan(world.pool, HISTORIES);
    for (String value : oldDetails) assertThat(scan.whereIs(value)).as(value).isEmpty();
  }

  @Test
  void whileAnotherNodeHoldsTheLockARunLeavesEverythingToIt() {
    String before = everyRow();
    SqlConnection other = world.get(world.pool.getConnection());
    try {
      // another node's batch, in its transaction
      Transaction tx = world.get(other.begin());
      world.get(other.query("SELECT pg_advisory_xact_lock(hashtext('retention:queue-core'))").execute());
      assertThat(removeDetails(2, NOW)).isZero();
      assertThat(everyRow()).isEqualTo(before);
      world.get(tx.commit());
    } finally {
      world.get(other.close());
    }
    assertThat(removeDetails(2, NOW)).as("once it is done").isEqualTo(3);
  }

  @Test
  void visitsOfTheFirstKeptDayAtTheSiteKeepTheirDetails() {
    // 2026-05-24 in Paris began at 22:00 UTC the day before: a visit then is of the first kept day
    world.clock.set(Instant.parse("2026-05-23T22:30:00Z"));
    checkIn(world.queue("K"), new Patient("Kim Kept", null, null, "+33633300001", null));
    world.clock.set(NOW);
    assertThat(removeDetails(500, NOW)).isEqualTo(3);
    assertThat(new PersonalDataScan(world.pool, HISTORIES).whereIs("Kim Kept")).contains("entry.patient_name");
    // a day later it is past retention
    assertThat(removeDetails(500, NOW.plusSeconds(86_400))).isEqualTo(1);
  }

  /** Runs queue-core's retention at {@code now} in batches of {@code size}. */
  private int removeDetails(int size, Instant now) {
    return world.get(new RetentionBatches(world.pool, Retention.DEFAULT, size).run("queue-core", now,
        VisitRetention::batch));
  }

  private LinkedEntry checkIn(ServiceQueue q, Patient p) {
    return world.get(world.commands.checkIn(q.id(), new CheckIn(p, Priority.NORMAL, null, null), "desk"));
  }

  private static Map<String, TreeSet<String>> where(PersonalDataScan scan, List<String> values) {
    Map<String, TreeSet<String>> out = new java.util.TreeMap<>();
    for (String v : values) out.put(v, scan.whereIs(v));
    values.forEach(v -> assertThat(out.get(v)).as("%s is stored", v).isNotEmpty());
    return out;
  }

  private List<String> views() {
    return rows("SELECT v::text FROM insight_visit v ORDER BY entry_id",
        "SELECT s::text FROM insight_shown_estimate s ORDER BY entry_id");
  }

  /** Every entry and event as text. */
  private String everyRow() {
    return String.join("\n", rows("SELECT e::text FROM entry e ORDER BY id",
        "SELECT ev::text FROM queue_event ev ORDER BY id"));
  }

  private List<String> rows(String... queries) {
    List<String> out = new ArrayList<>();
    for (String sql : queries) {
      for (Row r : world.get(world.pool.query(sql).execute())) out.add(r.getString(0));
    }
    return out;
  }
}
