package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Import throughput of a running Waitline server: a FHIR R4 source reading a clinic's schedule of {@code --sizes}
 * appointments, each with its patient, from a HAPI FHIR server in this process, into {@code --queues} queues; then
 * one CSV export of {@code --csv-rows} rows uploaded to a CSV source. The FHIR import's time is the server's own
 * (the source's last attempt to its last success, from its health), the CSV upload's from sending it to the answer.
 */
public final class ImportBenchmark {
  private final ImportOptions o;
  private final Api api;
  /** The {@code _count} a Waitline FHIR source asks for (pms-sync's default page size). */
  private static final int SOURCE_PAGE_SIZE = 500;
  private final String runId = UUID.randomUUID().toString().substring(0, 6);
  /** Tomorrow 08:00 UTC: inside the window a source reads (today and the next days) in any site time zone. */
  private final Instant firstStart = LocalDate.now(ZoneOffset.UTC).plusDays(1).atTime(8, 0).toInstant(ZoneOffset.UTC);

  private ImportBenchmark(ImportOptions o, Vertx vertx) {
    this.o = o;
    this.api = new Api(WebClient.create(vertx), o.baseUrl());
  }

  public static void main(String[] args) throws Exception {
    BenchmarkRun.main(args, ImportOptions.USAGE, ImportOptions::parse,
        (o, vertx) -> new ImportBenchmark(o, vertx).run(), ImportBenchmark::allApplied);
  }

  /** Every appointment and row became an entry: nothing dead, nothing lost. */
  static boolean allApplied(JsonObject result) {
    boolean fhir = result.getJsonArray("fhir").stream().map(JsonObject.class::cast)
        .allMatch(r -> r.getInteger("applied").equals(r.getInteger("appointments")));
    JsonObject csv = result.getJsonObject("csv");
    return fhir && (csv == null || csv.getInteger("applied").equals(csv.getInteger("rows")));
  }

  private JsonObject run() throws Exception {
    String started = Instant.now().toString();
    api.signIn(o.username(), o.password());
    List<String> queues = new ArrayList<>();
    for (int q = 0; q < o.queues(); q++) {
      String id = "import-" + runId + "-" + q;
      api.createQueue(o.site(), id, "I" + (char) ('A' + q));
      queues.add(id);
    }
    JsonArray fhir = new JsonArray();
    JsonArray parseAlone = new JsonArray();
    for (int i = 0; i < o.sizes().size(); i++) {
      fhir.add(fhirImport(o.sizes().get(i), queues, i == o.sizes().size() - 1 ? parseAlone : null));
    }
    JsonObject csv = o.csvRows() == 0 ? null : csvUpload(o.csvRows(), queues);
    return new JsonObject().put("started", started).put("baseUrl", o.baseUrl()).put("site", o.site())
        .put("queues", o.queues()).put("fhir", fhir).put("hapiParseAlone", parseAlone).put("csv", csv);
  }

  /**
   * A new FHIR source over a schedule of {@code size}: its first sync (started by the server's scheduler) timed. The
   * schedule's pages are encoded before, so that the FHIR server's own work does not share the cores with the import.
   * With {@code parseAlone}, once the import is done (the server idle), HAPI alone parses the same pages here on 1
   * and 2 threads and their rates are added to it ({@link HapiParseCeiling}).
   */
  private JsonObject fhirImport(int size, List<String> queues, JsonArray parseAlone) throws Exception {
    try (ScheduleServer schedule = new ScheduleServer(size, firstStart, queues.size())) {
      long e0 = System.nanoTime();
      int pages = schedule.encodePages(SOURCE_PAGE_SIZE);
      log("FHIR server: %d pages of %d encoded ahead in %.1f s", pages, SOURCE_PAGE_SIZE, (System.nanoTime() - e0) / 1e9);
      JsonArray routes = new JsonArray();
      for (int q = 0; q < queues.size(); q++) {
        routes.add(new JsonObject().put("match", "location").put("value", "Location/loc-" + q).put("queue", queues.get(q)));
      }
      long t0 = System.nanoTime();
      String source = api.createSource(o.site(), new JsonObject().put("kind", "fhir-r4")
          .put("name", "Import benchmark " + runId + " " + size).put("baseUrl", schedule.baseUrl())
          .put("auth", new JsonObject().put("type", "none"))
          .put("mapping", new JsonObject().put("mrnSystem", ScheduleServer.MRN_SYSTEM)
              .put("defaultQueue", queues.get(0)).put("queues", routes))
          .put("schedule", new JsonObject().put("everySeconds", 86_400).put("daysAhead", 3)));
      JsonObject health = api.sourceHealth(source);
      while (health.getString("lastSuccessAt") == null && health.getString("lastError") == null) {
        Thread.sleep(1000);
        health = api.sourceHealth(source);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      if (health.getString("lastError") != null) {
        throw new IllegalStateException("the import of " + size + " failed: " + health.getString("lastError"));
      }
      double seconds = Duration.between(Instant.parse(health.getString("lastAttemptAt")),
          Instant.parse(health.getString("lastSuccessAt"))).toMillis() / 1000.0;
      JsonObject counts = health.getJsonObject("counts");
      int served = schedule.pagesServedAsKept();
      int applied = counts.getInteger("applied", 0);
      double perSecond = Math.round(applied / seconds);
      log("FHIR import of %d appointments: %d applied in %.1f s (%.0f/s), %.1f s from creating the source", size,
          applied, seconds, perSecond, wall);
      if (parseAlone != null && o.parseSeconds() > 0) {
        for (int threads = 1; threads <= 2; threads++) {
          JsonObject ceiling = HapiParseCeiling.measure(schedule.encodedPages(), threads, o.parseSeconds() * 1000L,
              o.parseSeconds() * 1000L);
          log("HAPI's parse alone of the same pages, %d thread(s): %d appointments/s, %d µs of CPU each", threads,
              ceiling.getLong("appointmentsPerSecond"), ceiling.getLong("cpuMicrosPerAppointment"));
          parseAlone.add(ceiling);
        }
      }
      return new JsonObject().put("appointments", size).put("applied", applied).put("counts", counts)
          .put("seconds", seconds).put("appointmentsPerSecond", perSecond).put("wallSeconds", round(wall))
          .put("from", health.getString("lastAttemptAt")).put("to", health.getString("lastSuccessAt"))
          .put("pagesEncodedAhead", pages).put("pagesServedAsEncoded", served);
    }
  }

  /** A CSV source and one upload of {@code rows} new appointments, timed from sending the file to its report. */
  private JsonObject csvUpload(int rows, List<String> queues) {
    JsonArray routes = new JsonArray();
    for (int q = 0; q < queues.size(); q++) {
      routes.add(new JsonObject().put("match", "location").put("value", "room-" + q).put("queue", queues.get(q)));
    }
    String source = api.createSource(o.site(), new JsonObject().put("kind", "csv")
        .put("name", "CSV benchmark " + runId)
        .put("mapping", new JsonObject().put("defaultQueue", queues.get(0)).put("queues", routes)
            .put("statuses", new JsonObject().put("Booked", "expected"))
            .put("columns", new JsonObject().put("appointmentId", "Appt").put("date", "Date").put("time", "Time")
                .put("patientName", "Patient").put("birthDate", "Born").put("mrn", "Chart").put("location", "Room")
                .put("status", "State"))
            .put("csv", new JsonObject().put("delimiter", ",").put("dateFormat", "yyyy-MM-dd")
                .put("timeFormat", "HH:mm").put("timeZone", "UTC"))));
    StringBuilder csv = new StringBuilder("Appt,Date,Time,Patient,Born,Chart,Room,State\r\n");
    for (int i = 0; i < rows; i++) {
      Instant start = firstStart.plus(i % 480, ChronoUnit.MINUTES);
      csv.append("C").append(i).append(',').append(LocalDate.ofInstant(start, ZoneOffset.UTC)).append(',')
          .append(start.atOffset(ZoneOffset.UTC).toLocalTime()).append(",Csv Patient").append(i).append(",1980-04-23,C-")
          .append(i).append(",room-").append(i % queues.size()).append(",Booked\r\n");
    }
    long t0 = System.nanoTime();
    JsonObject report = api.uploadCsv(source, csv.toString(), 600_000);
    double seconds = (System.nanoTime() - t0) / 1e9;
    int applied = report.getJsonObject("outcomes").getInteger("applied", 0);
    log("CSV upload of %d rows: %d applied in %.1f s (%.0f rows/s)", rows, applied, seconds, rows / seconds);
    return new JsonObject().put("rows", rows).put("applied", applied).put("outcomes", report.getJsonObject("outcomes"))
        .put("problems", report.getJsonArray("problems").size()).put("seconds", round(seconds))
        .put("rowsPerSecond", Math.round(rows / seconds)).put("bytes", csv.length());
  }

  private static double round(double seconds) {
    return Math.round(seconds * 10) / 10.0;
  }
}
