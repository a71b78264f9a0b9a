package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A manager sets up the site's appointment sources on the admin page: a CSV export checked (its bad rows listed, nothing
 * written), applied, and a dead letter replayed after the mapping is fixed; a FHIR source that cannot be reached shows
 * its health; secrets are never shown back; a source is deleted after a confirmation. Screenshots on a phone and a
 * large screen.
 */
class SourcesE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();
  private static final String MANAGER = "mo";
  private static final String MANAGER_PASSWORD = "mo-manager-passphrase";

  @TempDir static Path files;

  /** An appointment time later today in the demo site's zone (a little earlier just before midnight). */
  private static String todayAt() {
    ZoneId zone = ZoneId.of("Europe/London");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant at = now.plusSeconds(900);
    if (!LocalDate.ofInstant(at, zone).equals(LocalDate.ofInstant(now, zone))) at = now.minusSeconds(900);
    return at.toString();
  }

  /**
   * Six appointments: lines 3 (birth date), 4 (a room no rule maps) and 5 (start) cannot be applied; line 7 is Nia
   * Okafor again without an identifier (a suggested match).
   */
  private static Path export() throws Exception {
    String at = todayAt();
    Path file = files.resolve("evening.csv");
    Files.writeString(file, String.join("\n",
        "Appt,Start,Patient,Born,Room",
        "A1," + at + ",Nia Okafor,1980-04-23,LAB",
        "A2," + at + ",Omar Haddad,1980-02-31,LAB",
        "A3," + at + ",Pia Berg,1975-06-01,XRAY",
        "A4,after lunch,Quinn Ross,1990-01-01,LAB",
        "A5," + at + ",Rosa Lind,1966-09-09,LAB",
        "A6," + at + ",Nia Okafor,1980-04-23,LAB", ""));
    return file;
  }

  private static final String MAPPING = """
      {"queues": [{"match": "location", "value": "LAB", "queue": "lab"}],
       "columns": {"appointmentId": "Appt", "start": "Start", "patientName": "Patient", "birthDate": "Born",
                   "location": "Room"}}""";

  private static List<String> namesToday() {
    JsonArray entries = server.getArray("/api/v1/sites/main/entries");
    return entries.stream().map(e -> ((JsonObject) e).getJsonObject("patient").getString("name")).toList();
  }

  private static void signIn(Browser b) {
    b.open(server.url("/admin#sources"));
    b.signIn(MANAGER, MANAGER_PASSWORD);
    b.waitFor(d -> b.visible("#section-sources") && b.visible("#source-new"));
  }

  /** Sets a field's text at once (a JSON mapping typed key by key is slow and auto-closes nothing anyway). */
  private static void setValue(Browser b, String css, String value) {
    b.js("arguments[0].value = arguments[1]", b.find(css), value);
  }

  private static void newSource(Browser b, String kind, String name) {
    b.click("#source-new");
    new Select(b.find("#source-kind")).selectByValue(kind);
    // the form starts from the kind's mapping with the site's first queue: wait for it before replacing it
    b.waitFor(d -> b.find("#source-mapping").getAttribute("value").contains("defaultQueue"));
    b.find("#source-name").sendKeys(name);
  }

  /** The texts of the matching cells, read again if a redraw replaced them meanwhile. */
  private static List<String> cells(Browser b, String css) {
    return b.waitFor(d -> d.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList());
  }

  @Test
  void aCsvExportIsCheckedThenAppliedAndADeadLetterIsReplayedOnceTheMappingIsFixed() throws Exception {
    server.createStaff(MANAGER, "Mo Manager", MANAGER_PASSWORD, "manager", "main");
    Path export = export();
    try (Browser b = Browser.tv()) {
      signIn(b);

      // a mapping naming a queue the site does not have: the server's sentence, and nothing is created
      newSource(b, "csv", "Evening export");
      assertThat(b.visible("#source-base-url")).as("a CSV source has no address").isFalse();
      setValue(b, "#source-mapping", "{\"defaultQueue\": \"radiology\"," + MAPPING.substring(1));
      b.click("#source-submit");
      b.waitFor(d -> !b.text("#source-form-error").isEmpty());
      assertThat(b.text("#source-form-error")).contains("radiology");
      assertThat(server.getArray("/api/v1/sites/main/sources").stream()
          .map(s -> ((JsonObject) s).getString("name"))).doesNotContain("Evening export");

      setValue(b, "#source-mapping", "{not json");
      b.click("#source-submit");
      b.waitFor(d -> b.text("#source-form-error").startsWith("The mapping is not valid JSON: "));

      setValue(b, "#source-mapping", MAPPING);
      b.click("#source-submit");
      b.waitForText("#flash", "Source Evening export created.");
      b.waitFor(d -> b.visible("#csv-upload"));
      assertThat(cells(b, "#source-rows tr th")).contains("Evening export");

      // the check lists exactly the bad rows and writes nothing
      b.find("#csv-file").sendKeys(export.toString());
      b.click("#csv-check");
      b.waitForText("#csv-summary", "6 rows read; 3 cannot be applied (listed below). The others would apply.");
      assertThat(cells(b, "#csv-problem-rows tr td:nth-child(1)")).containsExactly("3", "4", "5");
      assertThat(cells(b, "#csv-problem-rows tr td:nth-child(2)")).containsExactly("Born", "—", "Start");
      assertThat(cells(b, "#csv-problem-rows tr td:nth-child(3)").get(1))
          .isEqualTo("No queue is mapped for this appointment and there is no defaultQueue.");
      assertThat(namesToday()).doesNotContain("Nia Okafor", "Rosa Lind");
      assertThat(server.getArray("/api/v1/sites/main/match-reviews")).isEmpty();
      b.shoot("admin-sources-tv");

      // applied: the good rows are today's entries, the bad ones dead letters
      b.click("#csv-apply");
      b.waitFor(d -> b.text("#csv-summary").startsWith("6 rows applied: "));
      assertThat(b.text("#csv-summary")).contains("applied 3").contains("dead 3");
      assertThat(namesToday()).contains("Nia Okafor", "Rosa Lind").doesNotContain("Omar Haddad", "Pia Berg",
          "Quinn Ross");
      b.waitFor(d -> cells(b, "#dead-letter-rows tr td:nth-child(1)").size() == 3);

      // the second Nia Okafor is a new patient with a suggested match; confirmed, they are one
      b.waitFor(d -> b.visible("#review-rows tr"));
      // a CSV row without patient id or MRN names its patient by the appointment
      assertThat(cells(b, "#review-rows tr td:nth-child(1)"))
          .containsExactly("Nia Okafor · 1980-04-23 · Patient/of:Appointment/A6");
      assertThat(cells(b, "#review-rows tr td:nth-child(2)"))
          .containsExactly("Nia Okafor · 1980-04-23 · Patient/of:Appointment/A1");
      b.click("#review-rows tr [data-op=same-patient]");
      b.waitForText("#flash", "Nia Okafor: merged with the known patient.");
      b.waitFor(d -> b.visible("#no-reviews"));
      assertThat(server.getArray("/api/v1/sites/main/match-reviews")).isEmpty();
      assertThat(cells(b, "#dead-letter-rows tr td:nth-child(1)"))
          .containsExactlyInAnyOrder("Appointment/A2", "Appointment/A3", "Appointment/A4");

      // the mapping fixed (rooms without a rule go to the general queue), the XRAY appointment replayed
      b.click("#source-rows tr[data-name='Evening export'] [data-op=edit]");
      b.waitFor(d -> b.visible("#source-form"));
      assertThat(new JsonObject(b.find("#source-mapping").getAttribute("value")).getJsonObject("columns")
          .getString("location")).isEqualTo("Room");
      setValue(b, "#source-mapping", "{\"defaultQueue\": \"general\"," + MAPPING.substring(1));
      b.click("#source-submit");
      b.waitForText("#flash", "Source Evening export saved.");
      b.waitFor(d -> b.visible("#dead-letter-rows tr"));
      b.click("#dead-letter-rows tr[data-record='Appointment/A3'] [data-op=replay]");
      b.waitForText("#flash", "Appointment/A3 replayed: applied.");
      b.waitFor(d -> cells(b, "#dead-letter-rows tr td:nth-child(1)").size() == 2);
      assertThat(cells(b, "#dead-letter-rows tr td:nth-child(1)"))
          .containsExactlyInAnyOrder("Appointment/A2", "Appointment/A4");
      assertThat(namesToday()).contains("Pia Berg");
      assertThat(server.getArray("/api/v1/sites/main/entries").stream().map(e -> (JsonObject) e)
          .filter(e -> e.getJsonObject("patient").getString("name").equals("Pia Berg")).findFirst().orElseThrow()
          .getString("queueId")).isEqualTo("general");
    }

    try (Browser phone = Browser.phone()) {
      signIn(phone);
      phone.click("#source-rows tr[data-name='Evening export'] [data-op=details]");
      phone.waitFor(d -> phone.visible("#csv-upload"));
      phone.find("#csv-file").sendKeys(export.toString());
      phone.click("#csv-check");
      phone.waitFor(d -> phone.text("#csv-summary").startsWith("6 rows read"));
      phone.js("document.getElementById('csv-summary').scrollIntoView({block: 'start'})");
      phone.shoot("admin-sources-phone");
    }
  }

  @Test
  void aFhirSourceThatCannotBeReachedShowsItsHealthAndNeverShowsItsToken() throws Exception {
    server.createStaff("fay", "Fay Manager", "fay-manager-passphrase", "manager", "main");
    int closed = LoopbackPorts.free();
    try (Browser b = Browser.desktop()) {
      b.open(server.url("/admin#sources"));
      b.signIn("fay", "fay-manager-passphrase");
      b.waitFor(d -> b.visible("#source-new"));
      newSource(b, "fhir-r4", "Old EHR");
      assertThat(b.visible("#source-base-url")).isTrue();
      assertThat(b.visible("#csv-upload")).isFalse();
      b.find("#source-base-url").sendKeys("http://127.0.0.1:" + closed + "/fhir");
      new Select(b.find("#auth-type")).selectByValue("bearer");
      assertThat(b.visible("#auth-token")).isTrue();
      assertThat(b.visible("#auth-private-key")).isFalse();
      b.find("#auth-token").sendKeys("s3cret-bearer-token");
      b.click("#source-submit");
      b.waitForText("#flash", "Source Old EHR created.");
      JsonObject stored = server.getArray("/api/v1/sites/main/sources").stream().map(s -> (JsonObject) s)
          .filter(s -> s.getString("name").equals("Old EHR")).findFirst().orElseThrow();
      assertThat(stored.getJsonObject("auth").getString("type")).isEqualTo("bearer");

      // syncing now fails with the server's sentence (HAPI's first client of a JVM is slow to build on a busy
      // machine; the node's own scheduler may be polling it at the same time); the health says it is down and why
      b.click("#source-rows tr[data-name='Old EHR'] [data-op=sync]");
      b.waitFor(Duration.ofSeconds(90), d -> !b.text("#error").isEmpty());
      b.waitFor(d -> b.text("#source-rows tr[data-name='Old EHR'] .state").equals("Down"));
      String lastError = b.text("#source-rows tr[data-name='Old EHR'] td.last-error");
      assertThat(lastError).isIn("The FHIR server could not be reached or did not answer in time.",
          "The source failed repeatedly, so Waitline pauses calling it for a while (circuit breaker open).");
      b.click("#source-rows tr[data-name='Old EHR'] [data-op=details]");
      b.waitForText("#source-detail-title", "Old EHR: health");
      assertThat(b.text("[data-health=state]")).isEqualTo("Down");
      assertThat(b.text("[data-health=lastError]")).startsWith(lastError + " (");
      assertThat(b.text("[data-health=breaker]")).isIn("Closed (calls go through)", "Open (source spared for now)",
          "Half open (trying again)");

      // editing shows no secret; saved without typing one, the token is kept and still never shown
      b.click("#source-rows tr[data-name='Old EHR'] [data-op=edit]");
      b.waitFor(d -> b.visible("#auth-token"));
      assertThat(b.find("#auth-token").getAttribute("value")).isEmpty();
      assertThat(b.find("#auth-token").getAttribute("placeholder")).isEqualTo("Leave empty to keep");
      assertThat(b.visible("#source-keep-help")).isTrue();
      assertThat(b.find("body").getText()).doesNotContain("s3cret-bearer-token");
      // another sign-in method has no saved secret to keep: no such promise on its field
      new Select(b.find("#auth-type")).selectByValue("basic");
      assertThat(b.find("#auth-password").getAttribute("placeholder")).isEmpty();
      assertThat(b.visible("#source-keep-help")).isFalse();
      new Select(b.find("#auth-type")).selectByValue("bearer");
      assertThat(b.find("#auth-token").getAttribute("placeholder")).isEqualTo("Leave empty to keep");
      b.click("#source-submit");
      b.waitForText("#flash", "Source Old EHR saved.");
      assertThat(server.raw("GET", "/api/v1/sources/" + stored.getString("id"), null).body())
          .doesNotContain("s3cret-bearer-token");

      // deleting asks first; cancelled, the source stays
      b.click("#source-rows tr[data-name='Old EHR'] [data-op=delete]");
      b.waitFor(d -> b.visible("#source-delete-dialog"));
      assertThat(b.text("#source-delete-title")).isEqualTo("Delete the source Old EHR?");
      b.click("#source-delete-dialog button[value=cancel]");
      b.waitFor(d -> !b.visible("#source-delete-dialog"));
      assertThat(server.raw("GET", "/api/v1/sources/" + stored.getString("id"), null).statusCode()).isEqualTo(200);
      b.click("#source-rows tr[data-name='Old EHR'] [data-op=delete]");
      b.click("#source-delete-confirm");
      b.waitForText("#flash", "Source Old EHR deleted.");
      b.waitFor(d -> b.driver.findElements(By.cssSelector("#source-rows tr[data-name='Old EHR']")).isEmpty());
      assertThat(server.raw("GET", "/api/v1/sources/" + stored.getString("id"), null).statusCode()).isEqualTo(404);
    }
  }

  /**
   * An HL7 v2 source set up on the page: its mapping starts with the sending facility to route by; a booking sent over
   * MLLP to the node is acknowledged AA and becomes today's entry, and the page shows the source up.
   */
  @Test
  void anHl7SourceCreatedOnThePageTakesABookingOverMllp() throws Exception {
    server.createStaff("hal", "Hal Manager", "hal-manager-passphrase", "manager", "main");
    try (Browser b = Browser.desktop()) {
      b.open(server.url("/admin#sources"));
      b.signIn("hal", "hal-manager-passphrase");
      b.waitFor(d -> b.visible("#source-new"));
      newSource(b, "hl7v2-mllp", "Front office PMS");
      assertThat(b.visible("#source-base-url")).as("HL7 v2 arrives on the node's MLLP port").isFalse();
      JsonObject mapping = new JsonObject(b.find("#source-mapping").getAttribute("value"));
      assertThat(mapping.getJsonObject("hl7").getString("sendingFacility")).isEqualTo("CLINIC_PMS");
      mapping.getJsonObject("hl7").put("sendingFacility", "E2E_PMS").put("timeZone", "Europe/London");
      setValue(b, "#source-mapping", mapping.encode());
      b.click("#source-submit");
      b.waitForText("#flash", "Source Front office PMS created.");

      // a booking for later today, as a practice-management system sends it
      ZonedDateTime at = ZonedDateTime.parse(todayAt()).withZoneSameInstant(ZoneId.of("Europe/London"));
      String start = at.format(DateTimeFormatter.ofPattern("yyyyMMddHHmm"));
      String siu = String.join("\r",
          "MSH|^~\\&|PMS|E2E_PMS|WAITLINE|CLINIC|" + start + "||SIU^S12|e2e-1|P|2.5.1",
          "SCH|H1^PMS|H1^PMS||||||Check-up|||^^15^" + start, "PID|1||9001^^^CLINIC_MRN^MR||Vance^Uma||19850312",
          "AIL|1||LAB^Room 2^^CLINIC|||" + start) + "\r";
      assertThat(mllp(siu)).contains("MSA|AA|e2e-1");
      assertThat(namesToday()).contains("Uma Vance");

      // the list read again (the same address with its fragment would not load the page anew)
      b.driver.navigate().refresh();
      b.waitFor(d -> b.text("#source-rows tr[data-name='Front office PMS'] .state").equals("Up"));
      b.click("#source-rows tr[data-name='Front office PMS'] [data-op=details]");
      b.waitForText("#source-detail-title", "Front office PMS: health");
      assertThat(b.text("[data-health=state]")).isEqualTo("Up");
    }
  }

  /** Sends one message framed for MLLP to the node and answers the acknowledgement's text. */
  private static String mllp(String message) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.mllpPort())) {
      socket.setSoTimeout(60_000);
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(0x0B);
      frame.writeBytes(message.getBytes(StandardCharsets.UTF_8));
      frame.write(0x1C);
      frame.write(0x0D);
      socket.getOutputStream().write(frame.toByteArray());
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream ack = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != 0x1C && c != -1) if (c != 0x0B) ack.write(c);
      return ack.toString(StandardCharsets.UTF_8).replace('\r', '\n');
    }
  }
}
