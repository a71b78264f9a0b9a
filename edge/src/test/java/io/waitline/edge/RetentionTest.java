package io.waitline.edge;

import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.SITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.insights.Insights;
import io.waitline.insights.InsightsCsv;
import io.waitline.insights.InsightsQuery;
import io.waitline.insights.InsightsRollup;
import io.waitline.notify.Preferences;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.store.PersonalDataScan;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention across every module on one real database, run by the node: visits seeded 250 days ago through the real
 * commands (a walk-in with every detail, a paid and refunded co-pay with its receipt message, a push token and
 * language choice, an HL7 appointment and an HL7 record that became a dead letter) lose every seeded value from
 * every text, JSON, bytea and date column of every table, while yesterday's visits keep theirs; the old day's
 * insights and CSV exports read as before; a second run changes nothing.
 */
class RetentionTest {
  @RegisterExtension static final TestApp app = TestApp.node();
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final DateTimeFormatter HL7_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmm");

  @Test
  void oldVisitsLoseEverySeededDetailInEveryModuleWhileRecentOnesAndTheOldDaysFiguresStay() {
    Instant now = Instant.now();
    LocalDate oldDay = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(250);
    LocalDate yesterday = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(1);
    UUID hl7 = app.sync.create(SITE, new JsonObject().put("kind", "hl7v2-mllp").put("name", "PMS")
        .put("mapping", new JsonObject().put("mrnSystem", "CLINIC_MRN")
            .put("hl7", new JsonObject().put("sendingFacility", "RETENTION_PMS").put("timeZone", "Europe/Paris"))
            .put("queues", new JsonArray().add(new JsonObject().put("match", "location").put("value", "GEN")
                .put("queue", GENERAL))))).await().id();

    app.clock.set(oldDay.atTime(8, 0).toInstant(ZoneOffset.UTC));
    List<String> old = new ArrayList<>(seedVisit(new Patient("Olga Oldfield", LocalDate.parse("1961-02-03"),
        "MRN-OLD-7731", "+447700900101", "olga.old@example.org"), "Refund for Olga Oldfield's parking"));
    old.addAll(List.of("Otto Oldappt", "MRN-OLD-8842", "1958-09-10", "+447700900102", "otto.old@example.org"));
    hl7Appointment("A-OLD-1", oldDay, "GEN", "Oldappt^Otto", "MRN-OLD-8842", "19580910", "+447700900102",
        "otto.old@example.org");
    // as the raw record holds them
    old.addAll(List.of("Deadletter^Dora", "MRN-OLD-9953", "19491224", "+447700900103", "dora.dead@example.org"));
    hl7Appointment("A-OLD-2", oldDay, "ATTIC", "Deadletter^Dora", "MRN-OLD-9953", "19491224", "+447700900103",
        "dora.dead@example.org");
    assertThat(app.sync.deadLetters(hl7).await()).as("the unmapped room's record").hasSize(1);

    app.clock.set(yesterday.atTime(9, 0).toInstant(ZoneOffset.UTC));
    List<String> recent = new ArrayList<>(seedVisit(new Patient("Rita Recent", LocalDate.parse("1975-06-07"),
        "MRN-NEW-1234", "+447700900201", "rita.new@example.org"), "Refund for Rita Recent's parking"));
    hl7Appointment("A-NEW-1", yesterday.plusDays(2), "GEN", "Recent^Rhea", "MRN-NEW-5678", "19800101",
        "+447700900202", "rhea.new@example.org");
    recent.addAll(List.of("Rhea Recent", "MRN-NEW-5678", "+447700900202", "rhea.new@example.org"));

    app.clock.set(now);
    new InsightsRollup(app.pool, app.clock).rollUp().await();
    String oldFigures = figures(oldDay);
    PersonalDataScan scan = new PersonalDataScan(app.pool, Set.of());
    assertThat(scan.columns()).as("columns scanned").isGreaterThan(100);
    for (String value : old) assertThat(scan.whereIs(value)).as("%s is stored before retention", value).isNotEmpty();
    Map<String, TreeSet<String>> recentBefore = where(scan, recent);

    Map<String, Integer> changed = app.node.retention().run().await();

    assertThat(changed).containsOnlyKeys("queue-core", "notifications", "payments", "pms-sync");
    assertThat(changed.get("queue-core")).as("Olga's visit and Otto's and Dora's appointments").isEqualTo(2);
    assertThat(changed.get("payments")).isEqualTo(1);
    for (String value : old) assertThat(scan.whereIs(value)).as("%s after retention", value).isEmpty();
    assertThat(where(scan, recent)).isEqualTo(recentBefore);
    assertThat(figures(oldDay)).isEqualTo(oldFigures);

    Map<String, String> digests = app.tableDigests();
    assertThat(app.node.retention().run().await()).as("a second run")
        .isEqualTo(Map.of("queue-core", 0, "notifications", 0, "payments", 0, "pms-sync", 0));
    assertThat(app.tableDigests()).isEqualTo(digests);
  }

  /**
   * A walk-in at {@link TestApp#GENERAL} with {@code patient}, called, seen, paying the co-pay in cash (its receipt
   * queued), refunded in part with {@code refundReason}, with a push token and a language chosen; yields every value
   * seeded that identifies the patient or their links.
   */
  private static List<String> seedVisit(Patient patient, String refundReason) {
    LinkedEntry visit = app.commands.checkIn(GENERAL, new CheckIn(patient, Priority.NORMAL, null, null), "desk")
        .await();
    UUID id = visit.entry().id();
    assertThat(app.commands.callNext(GENERAL, "Room 1", "desk").await().id()).isEqualTo(id);
    app.commands.startService(id, "doc").await();
    app.commands.complete(id, "doc").await();
    JsonObject paid = app.payments.payCash(id, null, "desk").await();
    app.payments.refund(UUID.fromString(paid.getString("id")), 500, refundReason, "desk").await();
    String pushToken = "fcm-" + UUID.randomUUID();
    app.node.notifications().registerPushToken(visit.visitToken(), pushToken, "android").await();
    app.node.notifications().savePreferences(visit.visitToken(), new Preferences(List.of(), "fr", false)).await();
    String receipt = app.pool.preparedQuery("SELECT receipt_token FROM payment WHERE entry_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id)).await().iterator().next().getString(0);
    return List.of(patient.name(), patient.birthDate().toString(), patient.mrn(), patient.phone(), patient.email(),
        visit.visitToken(), refundReason, pushToken, receipt);
  }

  /** An HL7 SIU^S12 booking appointment {@code id} at 10:00 in Paris on {@code day}, in room {@code room}. */
  private static void hl7Appointment(String id, LocalDate day, String room, String name, String mrn, String birth,
      String phone, String email) {
    String start = HL7_TIME.format(day.atTime(10, 0).atZone(PARIS));
    String message = String.join("\r",
        "MSH|^~\\&|PMS|RETENTION_PMS|WAITLINE|CLINIC|" + start + "||SIU^S12|" + id + "|P|2.5.1",
        "SCH|" + id + "^PMS|" + id + "^PMS|||||Check-up|FOLLOWUP|||^^15^" + start,
        "PID|1||" + mrn + "^^^CLINIC_MRN^MR||" + name + "||" + birth + "|F|||||" + phone + "^PRN^PH~^NET^Internet^"
            + email,
        "RGS|1", "AIL|1||" + room + "^Room^^CLINIC|||" + start) + "\r";
    assertThat(app.sync.hl7Message(message).await()).as("the acknowledgement").contains("MSA|");
  }

  /** The figures and both CSV exports of {@code day} at {@link TestApp#SITE}. */
  private static String figures(LocalDate day) {
    Insights insights = new Insights(app.pool, app.clock);
    InsightsQuery q = InsightsQuery.parse(SITE, day.toString(), day.toString(), null, null, null, null);
    return insights.report(q).await() + "\n" + InsightsCsv.daily(insights.report(q).await()) + "\n"
        + InsightsCsv.visits(insights.visits(q).await());
  }

  private static Map<String, TreeSet<String>> where(PersonalDataScan scan, List<String> values) {
    Map<String, TreeSet<String>> out = new TreeMap<>();
    for (String v : values) {
      out.put(v, scan.whereIs(v));
      assertThat(out.get(v)).as("%s is stored", v).isNotEmpty();
    }
    return out;
  }
}
