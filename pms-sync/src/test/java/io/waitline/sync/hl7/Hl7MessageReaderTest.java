package io.waitline.sync.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vertx.core.json.JsonObject;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.pipeline.SourceAppointment;
import io.waitline.sync.pipeline.SourcePatient;
import io.waitline.sync.source.Mapping;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The fields the reader takes from a booking, read by segment and number from the message HAPI parsed. */
class Hl7MessageReaderTest {
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  final Hl7Messages messages = new Hl7Messages();
  final Hl7MessageReader reader = new Hl7MessageReader(messages);
  final Mapping mapping = Mapping.from(new JsonObject().put("defaultQueue", "general")
      .put("hl7", new JsonObject().put("sendingFacility", "CLINIC_PMS").put("timeZone", PARIS.getId())));

  static String booking(String sch, String pid, String ail) {
    return String.join("\r", "MSH|^~\\&|PMS|CLINIC_PMS|WAITLINE|CLINIC|20261120080000||SIU^S12|c1|P|2.5.1",
        sch, pid, "RGS|1", ail) + "\r";
  }

  /** A PID of Ann Lee with these home (PID-13) and business (PID-14) numbers. */
  static String pid(String home, String business) {
    return "PID|1||1^^^M^MR||Lee^Ann" + "|".repeat(8) + home + "|" + business;
  }

  ReceivedRecord record(String text) throws Hl7Messages.Rejected {
    return Hl7MessageReader.record(new Hl7Segments(messages.parse(text)), text, PARIS);
  }

  SourceAppointment read(String text) throws Hl7Messages.Rejected {
    return reader.read(record(text), mapping);
  }

  @Test
  void eachIdentifiersSystemIsItsAssigningAuthorityElseItsUniversalIdElseItsTypeCode() throws Exception {
    SourcePatient p = read(booking("SCH|a1^PMS|a1^PMS|||||||||^^15^202611201000",
        "PID|1||1^^^CLINIC_MRN^MR~2^^^&urn:oid:1.2.250&ISO^NI~3^^^^PPN~4||Lee^Ann||19800423",
        "AIL|1||R2|||202611201000")).patient();

    assertThat(p.identifiers()).extracting(SourcePatient.Identifier::system, SourcePatient.Identifier::value)
        .containsExactly(tuple("CLINIC_MRN", "1"), tuple("urn:oid:1.2.250", "2"), tuple("PPN", "3"),
            tuple("urn:waitline:hl7:pid-3", "4"));
    assertThat(p.name()).isEqualTo("Ann Lee");
    assertThat(p.birthDate()).isEqualTo(LocalDate.of(1980, 4, 23));
  }

  /** Reading a field's repetition the message does not have would make HAPI add an empty one to it. */
  @Test
  void readingABookingLeavesTheMessageAsHapiParsedIt() throws Exception {
    String text = booking("SCH|a1^PMS|a1^PMS|||||||||^^15^202611201000", pid("^^^^^^4711", ""),
        "AIL|1||R2|||202611201000");
    Hl7Segments segments = new Hl7Segments(messages.parse(text));
    String before = segments.message().encode();

    reader.read(Hl7MessageReader.record(segments, text, PARIS), mapping);

    assertThat(segments.message().encode()).isEqualTo(before);
  }

  @Test
  void thePhoneIsTheUnformattedNumberElseTheFormattedOneElseAreaCodeAndNumberAndTheEmailComesFromPid13()
      throws Exception {
    String sch = "SCH|a1^PMS|a1^PMS|||||||||^^15^202611201000";
    String ail = "AIL|1||R2|||202611201000";
    assertThat(read(booking(sch, pid("+33 6 12^PRN^PH^^^^^^^^^+33612", ""), ail)).patient()
        .phone()).isEqualTo("+33612");
    assertThat(read(booking(sch, pid("ann@example.org~+33699^PRN^PH", ""), ail)).patient()
        .phone()).isEqualTo("+33699");
    SourcePatient business = read(booking(sch, pid("^NET^Internet^ann@example.org", "^WPN^PH^^33^1^4567"), ail))
        .patient();
    assertThat(business.phone()).isEqualTo("3314567");
    assertThat(business.email()).isEqualTo("ann@example.org");
  }

  @Test
  void anExplicitNullIsReadAsEmpty() throws Exception {
    String text = booking("SCH|a1^PMS|\"\"|||||||||^^15^202611201000", "PID|1||1^^^M^MR||Lee^Ann",
        "AIL|1||\"\"|||202611201000");

    assertThat(record(text).externalId()).isEqualTo("Appointment/a1"); // SCH-2 null: the placer id, SCH-1
    assertThat(read(text).keys()).isEmpty();
  }

  @Test
  void theStartIsTheFirstResourcesLocalTimeAndABadOneIsNamedByItsField() throws Exception {
    String sch = "SCH|a1^PMS|a1^PMS|||||||||^^15^202611201100";
    String pid = "PID|1||1^^^M^MR||Lee^Ann";

    assertThat(read(booking(sch, pid, "AIL|1||R2|||202611201000")).start())
        .isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));
    assertThatThrownBy(() -> read(booking(sch, pid, "AIL|1||R2|||2026-11-20")))
        .isInstanceOf(RecordReader.Unreadable.class)
        .hasMessage("AIL-6-1 '2026-11-20' is not a time like 20261120103000 (date, hours and minutes).");
  }
}
