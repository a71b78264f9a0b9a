package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.INVALID;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.Status;
import io.waitline.sync.source.Source;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CSV exports uploaded to a {@code csv} source: a dry run reports every bad row (row, column, sentence) and writes
 * nothing; applying keeps the good rows and dead-letters the bad ones; the same file twice creates nothing new; the
 * encodings and delimiters spreadsheets write all read.
 */
class CsvSourceTest {
  SyncWorld w;

  @BeforeEach
  void start() {
    w = SyncWorld.start();
  }

  @AfterEach
  void stop() {
    w.close();
  }

  /** A source reading "Appt;Date;Time;Patient;Born;Chart;Room;State" with local times in Paris. */
  Source semicolonSource() {
    return w.create(SyncWorld.definition("csv", "Export", new JsonObject().put("defaultQueue", "general")
        .put("queues", new JsonArray().add(new JsonObject().put("match", "location").put("value", "LAB")
            .put("queue", "lab")))
        .put("statuses", new JsonObject().put("Booked", "expected").put("Here", "arrived")
            .put("Cancelled", "cancelled"))
        .put("columns", new JsonObject().put("appointmentId", "Appt").put("date", "Date").put("time", "Time")
            .put("patientName", "Patient").put("birthDate", "Born").put("mrn", "Chart").put("location", "Room")
            .put("status", "State"))
        .put("csv", new JsonObject().put("delimiter", ";").put("dateFormat", "dd/MM/yyyy")
            .put("timeFormat", "H:mm").put("timeZone", "Europe/Paris"))));
  }

  static final String HEADER = "Appt;Date;Time;Patient;Born;Chart;Room;State\r\n";

  static String row(int n, String date, String time, String state) {
    return "A" + n + ";" + date + ";" + time + ";Patient " + n + ";23/04/1980;M" + n + ";" + (n % 2 == 0 ? "LAB" : "")
        + ";" + state + "\r\n";
  }

  /**
   * 10,000 rows over the coming 50 days (an export of the weeks ahead), of which the 37 at every 270th place are bad
   * in one of four ways; returns the bad rows' numbers.
   */
  static String bigFile(List<Long> badRows) {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int n = 1; n <= 10_000; n++) {
      long line = n + 1;
      String day = java.time.LocalDate.of(2026, 11, 21).plusDays(n % 50)
          .format(java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy"));
      if (n % 270 == 0) {
        badRows.add(line);
        switch ((n / 270) % 4) {
          case 0 -> csv.append(";" + day + ";9:30;No Id;23/04/1980;M;;Booked\r\n");
          case 1 -> csv.append(row(n, "31/11/2026", "9:30", "Booked"));
          case 2 -> csv.append(row(n, day, "9h30", "Booked"));
          default -> csv.append(row(n, day, "9:30", "Maybe"));
        }
      } else {
        csv.append(row(n, day, "9:30", "Booked"));
      }
    }
    return csv.toString();
  }

  @Test
  void aTenThousandRowFileWith37BadRowsIsReportedExactlyAppliedOnceAndAppliedAgainCreatesNothing() {
    Source s = semicolonSource();
    List<Long> bad = new ArrayList<>();
    byte[] file = bigFile(bad).getBytes(StandardCharsets.UTF_8);
    assertThat(bad).hasSize(37);

    JsonObject dry = w.get(w.sync.csvFile(s.id(), file, true));
    assertThat(dry.getInteger("rows")).isEqualTo(10_000);
    assertThat(dry.getJsonArray("problems").stream().map(p -> ((JsonObject) p).getLong("row")).toList())
        .containsExactlyElementsOf(bad);
    assertThat(w.count("SELECT count(*) FROM entry")).as("a dry run writes nothing").isZero();

    // every row is its own transaction (applied like any record): minutes on a busy machine
    JsonObject applied = w.get(w.sync.csvFile(s.id(), file, false), 600);
    assertThat(applied.getJsonObject("outcomes").getInteger("applied")).isEqualTo(9_963);
    assertThat(applied.getJsonObject("outcomes").getInteger("dead")).isEqualTo(37);
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(9_963);
    assertThat(w.get(w.sync.deadLetters(s.id()))).hasSize(37);

    JsonObject again = w.get(w.sync.csvFile(s.id(), file, false), 600);
    assertThat(again.getJsonObject("outcomes").getInteger("duplicate")).isEqualTo(9_963);
    assertThat(again.getJsonObject("outcomes").getInteger("dead")).as("the bad rows are still bad").isEqualTo(37);
    assertThat(again.getJsonArray("problems").stream().map(p -> ((JsonObject) p).getLong("row")).toList())
        .as("and listed again, with their reasons").containsExactlyElementsOf(bad);
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(9_963);
    assertThat(w.get(w.sync.deadLetters(s.id()))).as("no second dead letter for a row sent again").hasSize(37);
  }

  @Test
  void theDryRunListsTheRowsTheUploadRefusesForWantOfAStartAndACorrectedRowClosesItsDeadLetter() {
    Source s = semicolonSource();
    String file = HEADER + row(1, "20/11/2026", "9:30", "Booked") + "Z1;;;Nobody;01/01/1970;Z;LAB;Booked\r\n";
    byte[] bytes = file.getBytes(StandardCharsets.UTF_8);

    JsonArray dry = w.get(w.sync.csvFile(s.id(), bytes, true)).getJsonArray("problems");
    JsonObject applied = w.get(w.sync.csvFile(s.id(), bytes, false));

    assertThat(dry).containsExactly(new JsonObject().put("row", 3).putNull("column")
        .put("problem", "The appointment has no start time, so it cannot be expected in a queue."));
    assertThat(applied.getJsonArray("problems")).isEqualTo(dry);
    assertThat(applied.getJsonObject("outcomes").getInteger("dead")).isEqualTo(1);

    String fixed = HEADER + row(1, "20/11/2026", "9:30", "Booked") + "Z1;20/11/2026;9:45;Nobody;01/01/1970;Z;LAB;Booked\r\n";
    JsonObject corrected = w.get(w.sync.csvFile(s.id(), fixed.getBytes(StandardCharsets.UTF_8), false));
    assertThat(corrected.getJsonArray("problems")).isEmpty();
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(2);
    assertThat(w.get(w.sync.deadLetters(s.id()))).isEmpty();
  }

  @Test
  void aRowWhosePatientNameIsLongerThanTheDeskTakesIsADeadLetterNotStored() {
    Source s = semicolonSource();
    String file = HEADER + "A1;20/11/2026;9:30;" + "N".repeat(9_000) + ";23/04/1980;M1;;Booked\r\n";

    JsonObject applied = w.get(w.sync.csvFile(s.id(), file.getBytes(StandardCharsets.UTF_8), false));

    assertThat(applied.getJsonArray("problems").getJsonObject(0).getString("problem"))
        .isEqualTo("The patient's name is longer than 200 characters, the most Waitline keeps.");
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();
  }

  @Test
  void eachBadRowIsASentenceNamingItsColumn() {
    Source s = semicolonSource();
    String file = HEADER + row(1, "31/11/2026", "9:30", "Booked") + row(2, "20/11/2026", "9h30", "Booked")
        + row(3, "20/11/2026", "9:30", "Maybe") + ";20/11/2026;9:30;No Id;23/04/1980;M;;Booked\r\n"
        + row(5, "20/11/2026", "9:30", "Booked");

    JsonArray problems = w.get(w.sync.csvFile(s.id(), file.getBytes(StandardCharsets.UTF_8), true))
        .getJsonArray("problems");

    assertThat(problems).containsExactly(
        new JsonObject().put("row", 2).put("column", "Date")
            .put("problem", "Column 'Date': '31/11/2026' is not a date in the form dd/MM/yyyy."),
        new JsonObject().put("row", 3).put("column", "Time")
            .put("problem", "Column 'Time': '9h30' is not a time in the form H:mm."),
        new JsonObject().put("row", 4).put("column", "State")
            .put("problem", "Column 'State': status 'Maybe' is not in the mapping; add it under mapping.statuses."),
        new JsonObject().put("row", 5).put("column", "Appt")
            .put("problem", "Column 'Appt': the row has no appointment id."));
  }

  @Test
  void localTimesAreTheSitesAndLaterFilesMoveTheirAppointments() {
    Source s = semicolonSource();
    w.get(w.sync.csvFile(s.id(), (HEADER + row(2, "20/11/2026", "9:30", "Booked")).getBytes(StandardCharsets.UTF_8),
        false));
    Entry booked = w.entryFor(s, "A2");
    assertThat(booked.appointmentAt()).isEqualTo(Instant.parse("2026-11-20T08:30:00Z"));
    assertThat(booked.queueId()).isEqualTo("lab");
    assertThat(booked.patient().mrn()).isEqualTo("M2");

    w.clock.advance(java.time.Duration.ofMinutes(5));
    w.get(w.sync.csvFile(s.id(), (HEADER + row(2, "20/11/2026", "9:30", "Here")).getBytes(StandardCharsets.UTF_8),
        false));

    assertThat(w.entryFor(s, "A2").status()).isEqualTo(Status.WAITING);
  }

  @Test
  void utf8WithAByteOrderMarkAndWindows1252BothReadTheirAccents() {
    Source s = semicolonSource();
    String text = HEADER + "A1;20/11/2026;9:30;Zoé Müller;23/04/1980;M1;;Booked\r\n";
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[bom.length + utf8.length];
    System.arraycopy(bom, 0, withBom, 0, bom.length);
    System.arraycopy(utf8, 0, withBom, bom.length, utf8.length);

    w.get(w.sync.csvFile(s.id(), withBom, false));
    assertThat(w.entryFor(s, "A1").patient().name()).isEqualTo("Zoé Müller");

    w.get(w.sync.csvFile(s.id(), text.replace("A1;", "A9;").getBytes(Charset.forName("windows-1252")), false));
    assertThat(w.entryFor(s, "A9").patient().name()).isEqualTo("Zoé Müller");
  }

  @Test
  void aRealExportReadsWithItsOwnColumnsAndIsoTimes() throws Exception {
    // the Kaggle "Medical Appointment No Shows" export: comma-separated, ISO instants, no names (the patient id
    // stands in), a No-show column as the status
    Source s = w.create(SyncWorld.definition("csv", "Kaggle", new JsonObject().put("defaultQueue", "general")
        .put("statuses", new JsonObject().put("No", "expected").put("Yes", "noshow"))
        .put("columns", new JsonObject().put("appointmentId", "AppointmentID").put("start", "AppointmentDay")
            .put("patientName", "PatientId").put("patientId", "PatientId").put("status", "No-show"))));
    byte[] file = Files.readAllBytes(Fhir.fixturePath("csv/kaggle-noshow-KaggleV2-May-2016_first1000rows.csv"));

    JsonObject dry = w.get(w.sync.csvFile(s.id(), file, true));

    assertThat(dry.getInteger("rows")).isEqualTo(1000);
    assertThat(dry.getJsonArray("problems")).isEmpty();
  }

  @Test
  void aCsvSourceIsNeverPolledAndAFileWithoutTheIdColumnIsRefusedWhole() {
    Source s = semicolonSource();
    assertThat(w.failure(w.sync.syncNow(s.id(), false))).isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessage("Source Export is sent its appointments (webhook events or"
            + " uploaded files); there is nothing to poll.");
    assertThat(w.failure(w.sync.csvFile(s.id(), "Id;Name\r\n1;Ann\r\n".getBytes(StandardCharsets.UTF_8), false)))
        .isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessage("The file has no column 'Appt' (columns.appointmentId); its header reads: Id, Name.");
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, new JsonObject().put("kind", "csv").put("name", "Local")
        .put("mapping", new JsonObject().put("defaultQueue", "general").put("columns", new JsonObject()
            .put("appointmentId", "Id").put("patientName", "Name").put("date", "Day").put("time", "At"))))))
        .hasMessage("A CSV source with local dates and times needs mapping.csv.timeZone, e.g. Europe/Paris.");
  }
}
