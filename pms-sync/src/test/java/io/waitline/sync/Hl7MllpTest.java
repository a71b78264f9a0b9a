package io.waitline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.waitline.queue.Entry;
import io.waitline.queue.Status;
import io.waitline.sync.hl7.MllpListener;
import io.waitline.sync.source.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HL7 v2 over real MLLP sockets: HAPI's own client and a raw socket that splits and joins frames. Every message type
 * Waitline applies, in v2.3, v2.5.1 and v2.6, changes the queue and is acknowledged AA only once committed; what
 * cannot be applied is AE with the reason (a dead letter); what cannot be read is AR; the listener keeps serving.
 */
class Hl7MllpTest {
  static final Path FIXTURES = Fhir.fixturePath("hl7v2");
  /** 10:00 in Paris on the world's day. */
  static final String TEN = "202611201000";
  static final Instant TEN_UTC = Instant.parse("2026-11-20T09:00:00Z");

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final HapiContext hapi = new DefaultHapiContext();
  Source source;
  int port;

  @BeforeEach
  void start() {
    hapi.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
    hapi.setValidationContext(ValidationContextFactory.noValidation());
    source = w.create(SyncWorld.definition("hl7v2-mllp", "PMS", mapping("CLINIC_PMS", "Europe/Paris")
        .put("mrnSystem", "CLINIC_MRN").put("queues", new JsonArray().add(new JsonObject().put("match", "location")
            .put("value", "LAB").put("queue", "lab")))));
    port = w.get(w.sync.listenMllp(new NetServerOptions().setHost("localhost").setPort(0)));
  }

  @AfterEach
  void stop() throws IOException {
    hapi.close();
  }

  // --- messages as a practice-management system writes them

  /** A segment with the fields given by position ({@code 3, "x"}), every other field empty. */
  static String segment(String name, Object... positionsAndValues) {
    TreeMap<Integer, String> fields = new TreeMap<>();
    for (int i = 0; i < positionsAndValues.length; i += 2) {
      fields.put((Integer) positionsAndValues[i], (String) positionsAndValues[i + 1]);
    }
    StringBuilder s = new StringBuilder(name);
    for (int f = 1; f <= fields.lastKey(); f++) s.append('|').append(fields.getOrDefault(f, ""));
    return s.toString();
  }

  static String msh(String version, String type, String control) {
    return "MSH|^~\\&|PMS|CLINIC_PMS|WAITLINE|CLINIC|20261120080000||" + type + "|" + control + "|P|" + version;
  }

  /** PID with an MRN and a national id (repeats), an escaped name, a phone and an e-mail (repeats), French. */
  static String pid(String phone) {
    return segment("PID", 1, "1", 3, "4711^^^CLINIC_MRN^MR~1800423123^^^NIR^NI", 5, "Lee\\T\\Park^Ann", 7,
        "19800423", 8, "F", 13, phone + "^PRN^PH~^NET^Internet^ann@example.org", 15, "fra");
  }

  static String siu(String version, String event, String control, String appointment, String start, String room) {
    return String.join("\r", msh(version, "SIU^" + event, control),
        segment("SCH", 1, appointment + "^PMS", 2, appointment + "^PMS", 7, "Check-up", 8, "FOLLOWUP", 11,
            start == null ? "" : "^^15^" + start, 25, "Booked"),
        pid("+33612345678"), "RGS|1",
        segment("AIL", 1, "1", 3, room + "^Room 2^^CLINIC", 6, start == null ? "" : start),
        segment("AIP", 1, "1", 3, "D42^House^Gregory", 6, start == null ? "" : start),
        "ZPM|loyalty\\F\\card|7") + "\r";
  }

  static String adt(String version, String event, String control, String appointment, String phone) {
    return String.join("\r", msh(version, "ADT^" + event, control), segment("EVN", 1, event, 2, "20261120085500"),
        pid(phone), segment("PV1", 1, "1", 2, "O", 3, "LAB^Room 2^^CLINIC", 7, "D42^House^Gregory", 19, appointment))
        + "\r";
  }

  /** Sends with HAPI's client on a new connection and answers the ACK's text. */
  String sendWithHapi(String text) throws Exception {
    Connection c = hapi.newClient("localhost", port, false);
    try {
      c.getInitiator().setTimeout(30, java.util.concurrent.TimeUnit.SECONDS);
      Message ack = c.getInitiator().sendAndReceive(hapi.getPipeParser().parse(text));
      return hapi.getPipeParser().encode(ack);
    } finally {
      c.close();
    }
  }

  String ackCode(String ack) throws Exception {
    return new Terser(hapi.getPipeParser().parse(ack)).get("/MSA-1");
  }

  String ackedControlId(String ack) throws Exception {
    return new Terser(hapi.getPipeParser().parse(ack)).get("/MSA-2");
  }

  /** The ERR segment's words for people (ERR-8 user message). */
  String errorText(String ack) throws Exception {
    return new Terser(hapi.getPipeParser().parse(ack)).get("/ERR-8");
  }

  // --- every message type, in three versions

  @ParameterizedTest
  @ValueSource(strings = {"2.3", "2.5.1", "2.6"})
  void everySchedulingAndPatientEventChangesTheQueueAndIsAcknowledgedAA(String v) throws Exception {
    assertThat(ackCode(sendWithHapi(siu(v, "S12", "c1", "A1", TEN, "LAB")))).isEqualTo("AA");
    Entry booked = w.entryFor(source, "A1");
    assertThat(booked.status()).isEqualTo(Status.EXPECTED);
    assertThat(booked.queueId()).isEqualTo("lab");
    assertThat(booked.appointmentAt()).isEqualTo(TEN_UTC);
    assertThat(booked.patient().name()).isEqualTo("Ann Lee&Park");
    assertThat(booked.patient().phone()).isEqualTo("+33612345678");
    assertThat(booked.patient().mrn()).isEqualTo("4711");

    assertThat(ackCode(sendWithHapi(siu(v, "S13", "c2", "A1", "202611201130", "LAB")))).isEqualTo("AA");
    assertThat(w.entryFor(source, "A1").appointmentAt()).isEqualTo(Instant.parse("2026-11-20T10:30:00Z"));
    assertThat(ackCode(sendWithHapi(siu(v, "S14", "c3", "A1", "202611201145+0100", "LAB")))).isEqualTo("AA");
    assertThat(w.entryFor(source, "A1").appointmentAt()).isEqualTo(Instant.parse("2026-11-20T10:45:00Z"));

    assertThat(ackCode(sendWithHapi(adt(v, "A08", "c4", "A1", "+33699999999")))).isEqualTo("AA");
    Entry changed = w.entryFor(source, "A1");
    assertThat(changed.patient().phone()).isEqualTo("+33699999999");
    assertThat(changed.appointmentAt()).isEqualTo(Instant.parse("2026-11-20T10:45:00Z"));

    assertThat(ackCode(sendWithHapi(adt(v, "A04", "c5", "A1", "+33699999999")))).isEqualTo("AA");
    Entry arrived = w.entryFor(source, "A1");
    assertThat(arrived.status()).isEqualTo(Status.WAITING);
    w.get(w.commands.callNext("lab", "Room 2", "desk"));
    w.get(w.commands.startService(arrived.id(), "desk"));
    assertThat(ackCode(sendWithHapi(adt(v, "A03", "c6", "A1", "+33699999999")))).isEqualTo("AA");
    assertThat(w.entryFor(source, "A1").status()).isEqualTo(Status.COMPLETED);

    sendWithHapi(siu(v, "S12", "c7", "A2", TEN, "X"));
    assertThat(w.entryFor(source, "A2").queueId()).isEqualTo("general");
    assertThat(ackCode(sendWithHapi(siu(v, "S15", "c8", "A2", TEN, "X")))).isEqualTo("AA");
    assertThat(w.entryFor(source, "A2").status()).isEqualTo(Status.CANCELLED);
    sendWithHapi(siu(v, "S12", "c9", "A3", TEN, "X"));
    assertThat(ackCode(sendWithHapi(siu(v, "S17", "c10", "A3", null, "X")))).isEqualTo("AA");
    assertThat(w.entryFor(source, "A3").status()).isEqualTo(Status.CANCELLED);
    sendWithHapi(siu(v, "S12", "c11", "A4", TEN, "X"));
    assertThat(ackCode(sendWithHapi(siu(v, "S26", "c12", "A4", TEN, "X")))).isEqualTo("AA");
    assertThat(w.entryFor(source, "A4").status()).isEqualTo(Status.NO_SHOW);

    assertThat(w.count("SELECT count(*) FROM sync_inbox WHERE outcome = 'applied'")).isEqualTo(12);
  }

  @Test
  void aRepeatedControlIdIsAcknowledgedAAAgainAndAppliedOnce() throws Exception {
    String booked = siu("2.5.1", "S12", "same-1", "A1", TEN, "LAB");
    String first = sendWithHapi(booked);
    String again = sendWithHapi(booked);

    assertThat(ackCode(first)).isEqualTo("AA");
    assertThat(ackCode(again)).isEqualTo("AA");
    assertThat(ackedControlId(again)).isEqualTo("same-1");
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(1);
    assertThat(w.count("SELECT count(*) FROM sync_inbox WHERE outcome = 'duplicate'")).isZero();
    assertThat(w.count("SELECT count(*) FROM sync_inbox")).isEqualTo(1);
  }

  @Test
  void anUnderstoodMessageThatCannotBeAppliedIsAEWithItsReasonAndADeadLetter() throws Exception {
    String noStart = siu("2.5.1", "S12", "c1", "A1", null, "LAB");
    String noAppointment = adt("2.3", "A04", "c2", "", "+33612345678");

    String ae = sendWithHapi(noStart);
    String ae2 = sendWithHapi(noAppointment);

    assertThat(ackCode(ae)).isEqualTo("AE");
    assertThat(errorText(ae)).isEqualTo("The appointment has no start time, so it cannot be expected in a queue.");
    assertThat(ackCode(ae2)).isEqualTo("AE");
    assertThat(errorText(ae2)).startsWith("The message names no appointment: PV1-19 (visit number)");
    assertThat(w.get(w.sync.deadLetters(source.id()))).extracting(d -> d.getString("externalId"))
        .containsExactlyInAnyOrder("Appointment/A1", "Message/c2");
  }

  @Test
  void aRefusedMessageSentAgainIsRefusedAgainAndOneCorrectedUnderItsControlIdIsApplied() throws Exception {
    String noStart = siu("2.5.1", "S12", "c1", "A1", null, "LAB");
    assertThat(ackCode(sendWithHapi(noStart))).isEqualTo("AE");

    String again = sendWithHapi(noStart);
    assertThat(ackCode(again)).as("the same message: the same refusal, never an AA for nothing applied")
        .isEqualTo("AE");
    assertThat(errorText(again)).isEqualTo("The appointment has no start time, so it cannot be expected in a queue.");
    assertThat(w.get(w.sync.deadLetters(source.id()))).as("one dead letter for the one message").hasSize(1);

    String corrected = sendWithHapi(siu("2.5.1", "S12", "c1", "A1", TEN, "LAB"));
    assertThat(ackCode(corrected)).isEqualTo("AA");
    assertThat(w.entryFor(source, "A1").appointmentAt()).isEqualTo(TEN_UTC);
    assertThat(w.get(w.sync.deadLetters(source.id()))).as("the corrected message closed its dead letter").isEmpty();
    assertThat(ackCode(sendWithHapi(siu("2.5.1", "S12", "c1", "A1", TEN, "LAB")))).isEqualTo("AA");
    assertThat(w.count("SELECT count(*) FROM entry")).as("applied once").isEqualTo(1);
  }

  @Test
  void aPatientDetailsMessageChangesOnlyThePatientKeepsWhatItLeavesEmptyAndNeverMovesTheVisit() throws Exception {
    sendWithHapi(siu("2.5.1", "S12", "c1", "A1", TEN, "LAB"));
    // as OpenEMR-like systems send it: no location (routing alone would say the default queue), no phone, no e-mail
    String details = String.join("\r", msh("2.5.1", "ADT^A08", "c2"), segment("EVN", 1, "A08"),
        segment("PID", 1, "1", 3, "4711^^^CLINIC_MRN^MR", 5, "Lee-Park^Ann", 7, "19800423"),
        segment("PV1", 1, "1", 2, "O", 19, "A1")) + "\r";

    assertThat(ackCode(sendWithHapi(details))).isEqualTo("AA");
    Entry changed = w.entryFor(source, "A1");
    assertThat(changed.patient().name()).isEqualTo("Ann Lee-Park");
    assertThat(changed.queueId()).isEqualTo("lab");
    assertThat(changed.appointmentAt()).isEqualTo(TEN_UTC);
    assertThat(changed.status()).isEqualTo(Status.EXPECTED);
    assertThat(changed.patient().phone()).isEqualTo("+33612345678");
    assertThat(changed.patient().email()).isEqualTo("ann@example.org");
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(1);

    sendWithHapi(adt("2.5.1", "A04", "c3", "A1", "+33612345678"));
    assertThat(ackCode(sendWithHapi(adt("2.5.1", "A08", "c4", "A1", "+33699999999")))).isEqualTo("AA");
    Entry arrived = w.entryFor(source, "A1");
    assertThat(arrived.status()).isEqualTo(Status.WAITING);
    assertThat(arrived.queueId()).isEqualTo("lab");
    assertThat(w.count("SELECT count(*) FROM sync_inbox WHERE outcome = 'conflict'"
        + " AND detail LIKE '%has arrived; the source changed the patient''s details, which was not applied.'"))
        .as("an arrived patient's details are shown to staff as a conflict, in words").isEqualTo(1);
  }

  @Test
  void framesSplitAcrossReadsAndJoinedInOneReadAreEachAnsweredInOrder() throws Exception {
    byte[] one = Mllp.frame(siu("2.3", "S12", "c1", "A1", TEN, "LAB"));
    byte[] two = Mllp.frame(siu("2.3", "S14", "c2", "A1", "202611201130", "LAB"));
    byte[] three = Mllp.frame(siu("2.3", "S15", "c3", "A1", "202611201130", "LAB"));
    try (Mllp mllp = new Mllp(port)) {
      // the first frame byte by byte, then the end of it joined with the two others in one write
      for (int i = 0; i < one.length - 1; i++) mllp.write(new byte[] {one[i]});
      byte[] rest = new byte[1 + two.length + three.length];
      rest[0] = one[one.length - 1];
      System.arraycopy(two, 0, rest, 1, two.length);
      System.arraycopy(three, 0, rest, 1 + two.length, three.length);
      mllp.write(rest);

      assertThat(List.of(ackedControlId(mllp.read()), ackedControlId(mllp.read()), ackedControlId(mllp.read())))
          .containsExactly("c1", "c2", "c3");
    }
    assertThat(w.entryFor(source, "A1").status()).isEqualTo(Status.CANCELLED);
  }

  @Test
  void whatCannotBeReadIsARAndTheListenerKeepsServing() throws Exception {
    String good = siu("2.5.1", "S12", "good", "A1", TEN, "LAB");
    byte[] huge = (siu("2.5.1", "S12", "huge", "A9", TEN, "LAB") + "NTE|1||" + "x".repeat(1024 * 1024) + "\r")
        .getBytes(StandardCharsets.UTF_8);
    byte[] latin1 = siu("2.5.1", "S12", "latin", "A8", TEN, "LAB").replace("Lee", "L\u00e9e")
        .getBytes(StandardCharsets.ISO_8859_1);
    List<byte[]> bad = new ArrayList<>(List.of(
        "MSH|garbage".getBytes(StandardCharsets.UTF_8),
        "PID|1||4711".getBytes(StandardCharsets.UTF_8),
        good.replace("MSH|^~\\&|", "MSH|^~\\").getBytes(StandardCharsets.UTF_8),
        good.replace("|2.5.1", "|2.1").getBytes(StandardCharsets.UTF_8),
        good.replace("SIU^S12", "ADT^A40").getBytes(StandardCharsets.UTF_8),
        good.replace("CLINIC_PMS", "ELSEWHERE").getBytes(StandardCharsets.UTF_8),
        huge));
    try (Stream<Path> fuzz = Files.walk(FIXTURES.resolve("nhapi-fuzz-badinputs/PipeParser"))) {
      for (Path p : fuzz.filter(Files::isRegularFile).sorted().toList()) bad.add(Files.readAllBytes(p));
    }
    try (Mllp mllp = new Mllp(port)) {
      for (byte[] b : bad) {
        mllp.write(Mllp.frame(b));
        String ack = mllp.read();
        assertThat(ack).as(new String(b, 0, Math.min(b.length, 80), StandardCharsets.ISO_8859_1)).isNotNull();
        assertThat(ackCode(ack)).as(ack).isEqualTo("AR");
      }
      mllp.write(Mllp.frame("hello world".getBytes(StandardCharsets.UTF_8)));
      assertThat(ackedControlId(mllp.read())).as("no control id to name: MSA-2 names none, never one made up")
          .isNull();
      mllp.write(Mllp.frame(huge));
      assertThat(errorText(mllp.read())).isEqualTo("The message is longer than 262144 bytes, the most Waitline takes in"
          + " one message.");
      mllp.write(Mllp.frame(latin1));
      assertThat(ackCode(mllp.read())).isEqualTo("AA");
      // a cut-off frame (no end block) followed by a whole one: the cut one gets no answer, the next one AA
      byte[] whole = Mllp.frame(good);
      mllp.write(Arrays.copyOf(whole, whole.length / 2));
      mllp.write(whole);
      assertThat(ackedControlId(mllp.read())).isEqualTo("good");
    }
    assertThat(w.entryFor(source, "A8").patient().name()).isEqualTo("Ann L\u00e9e&Park");
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(2);
  }

  @Test
  void connectionsBeyondTheListenersMostAreClosedAtOnceAndAClosedOneFreesItsPlace() throws Exception {
    List<Mllp> open = new ArrayList<>();
    try {
      for (int i = 0; i < MllpListener.MAX_CONNECTIONS; i++) open.add(new Mllp(port));
      // accepted in order: once the last one is answered, every one before it holds a place
      Mllp last = open.get(open.size() - 1);
      last.write(Mllp.frame(siu("2.5.1", "S12", "c1", "A1", TEN, "LAB")));
      assertThat(ackCode(last.read())).isEqualTo("AA");
      try (Mllp oneTooMany = new Mllp(port)) {
        assertThat(oneTooMany.closedWithoutAnswer()).as("a connection beyond the most").isTrue();
      }
      open.remove(0).close();
      String ack = null;
      for (int attempt = 0; ack == null && attempt < 50; attempt++) { // until the listener has seen the close
        try (Mllp next = new Mllp(port)) {
          next.write(Mllp.frame(siu("2.5.1", "S12", "c2", "A2", TEN, "LAB")));
          ack = next.read();
        }
      }
      assertThat(ack).as("a connection after one was closed").isNotNull();
      assertThat(ackedControlId(ack)).isEqualTo("c2");
    } finally {
      for (Mllp m : open) m.close();
    }
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(2);
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    MllpListener<String> listener = new MllpListener<>(w.vertx, texts -> Future.succeededFuture(List.of()),
        read -> List.of(), head -> Future.succeededFuture("never asked"), 1024);
    int quick = w.get(listener.listen(new NetServerOptions().setHost("localhost").setPort(0).setIdleTimeout(1)));
    try (Mllp idle = new Mllp(quick)) {
      assertThat(idle.closedWithoutAnswer()).as("closed within the socket's 30 s read timeout").isTrue();
    } finally {
      w.get(listener.close());
    }
  }

  @Test
  void rejectionsSayWhyInWords() throws Exception {
    String good = siu("2.5.1", "S12", "c1", "A1", TEN, "LAB");

    String unsupported = sendWithHapi(good.replace("SIU^S12", "ADT^A40"));
    String unknownSender = sendWithHapi(good.replace("CLINIC_PMS", "ELSEWHERE"));

    assertThat(ackCode(unsupported)).isEqualTo("AR");
    assertThat(errorText(unsupported)).startsWith("Message type ADT^A40 is not one Waitline applies;");
    assertThat(ackCode(unknownSender)).isEqualTo("AR");
    assertThat(errorText(unknownSender)).isEqualTo("No HL7 v2 source takes messages from sending facility"
        + " 'ELSEWHERE' (MSH-4); add one with that mapping.hl7.sendingFacility.");
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();
  }

  @Test
  void aMessageWhoseCommitFailsGetsNoAckAndItsResendIsAppliedOnce() throws Exception {
    // the node "dies" between receiving and committing: every inbox write fails until the trigger is dropped
    w.get(w.pool.query("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
        + " $$ BEGIN RAISE EXCEPTION 'disk gone' USING ERRCODE = '58030'; END $$").execute());
    w.get(w.pool.query("CREATE TRIGGER refuse BEFORE INSERT ON sync_inbox FOR EACH ROW EXECUTE FUNCTION refuse()")
        .execute());
    byte[] booked = Mllp.frame(siu("2.5.1", "S12", "c1", "A1", TEN, "LAB"));
    try (Mllp mllp = new Mllp(port)) {
      mllp.write(booked);
      assertThat(mllp.closedWithoutAnswer()).isTrue();
    }
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();

    w.get(w.pool.query("DROP TRIGGER refuse ON sync_inbox").execute());
    try (Mllp mllp = new Mllp(port)) {
      mllp.write(booked);
      assertThat(ackCode(mllp.read())).isEqualTo("AA");
      mllp.write(booked);
      assertThat(ackCode(mllp.read())).isEqualTo("AA");
    }
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(1);
    assertThat(w.count("SELECT count(*) FROM sync_inbox")).isEqualTo(1);
  }

  @Test
  void realSystemsMessagesFromTheFixturesAreAppliedOrRefusedWithTheirReason() throws Exception {
    // samples written by other systems: renalware (v2.4), Mirth (v2.3), rimiti's ClicRDV proxy (v2.5.1, UTF-8)
    List<String> files = List.of("renalware-barts/siu_s12_v24_example.hl7", "renalware-barts/siu_s14_v24_example.hl7",
        "mirth-connect/nonbatch_01_SIU_S12.hl7", "mirth-connect/nonbatch_05_ADT_A04.hl7",
        "hl7-object-parser/siu_s12_v251_FRA_utf8.hl7", "hl7-object-parser/siu_s26_v251_noshow.hl7",
        // Microsoft's FHIR converter samples start with a UTF-8 byte order mark before MSH
        "ms-fhir-converter/ADT04-23.hl7");
    List<String> codes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try (Mllp mllp = new Mllp(port)) {
      for (String f : files) {
        String text = Files.readString(FIXTURES.resolve(f), StandardCharsets.UTF_8);
        String facility = new Terser(hapi.getPipeParser().parse(text.replace("\n", "\r").replace("\uFEFF", "")
            .strip())).get("/MSH-4-1");
        String ack = sendAs(mllp, text, facility);
        codes.add(ackCode(ack));
        if (errorText(ack) != null) errors.add(errorText(ack));
      }
    }

    assertThat(codes).containsExactly("AA", "AA", "AA", "AE", "AA", "AA", "AA");
    // Mirth's A04 is a registration with no visit number: nothing says which appointment it is
    assertThat(errors).containsExactly("The message names no appointment: PV1-19 (visit number) and PV1-5 (preadmit"
        + " number) are both empty; Waitline finds the appointment by the visit number.");
    assertThat(w.siteEntries()).extracting(e -> e.patient().name() + " " + e.status().wire())
        .containsExactlyInAnyOrder("RENALOP2 MOLLY expected", "RENALEIGHT MOLLY expected",
            "ZAPHOD BEEBLEBROX expected", "Dimitri DO BAIRRO no_show", // rimiti's S26 is the no-show of its S12
            "MARIO BROS waiting"); // the converter's A04: a walk-in registered, read past its byte order mark
  }

  @Test
  void overTlsTheListenerAnswersLikeInTheClear() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    // a second listener of the same node (the plain one closes with Vert.x)
    int tlsPort = w.get(w.sync.listenMllp(new NetServerOptions().setHost("localhost").setPort(0).setSsl(true)
        .setKeyCertOptions(cert.keyCertOptions())));

    try (Mllp mllp = Mllp.overTls(tlsPort, Path.of(cert.certificatePath()))) {
      mllp.write(Mllp.frame(siu("2.5.1", "S12", "tls-1", "A1", TEN, "LAB")));
      assertThat(ackedControlId(mllp.read())).isEqualTo("tls-1");
    }
    assertThat(w.entryFor(source, "A1").status()).isEqualTo(Status.EXPECTED);
  }

  @Test
  void aDryRunOfTwoMessagesShowsWhatEachWouldBecomeAndWritesNothing() {
    String sample = siu("2.3", "S12", "c1", "A1", TEN, "LAB") + adt("2.6", "A04", "c2", "A1", "+33612345678");

    JsonArray previews = w.get(w.sync.dryRun(source.id(), sample));

    assertThat(previews).hasSize(2);
    JsonObject booked = previews.getJsonObject(0);
    assertThat(booked.getString("externalId")).isEqualTo("Appointment/A1");
    assertThat(booked.getString("visit")).isEqualTo("expected");
    assertThat(booked.getString("queue")).isEqualTo("lab");
    assertThat(booked.getString("start")).isEqualTo(TEN_UTC.toString());
    JsonObject patient = booked.getJsonObject("patient");
    assertThat(patient.getString("mrn")).isEqualTo("4711");
    assertThat(patient.getString("email")).isEqualTo("ann@example.org");
    assertThat(patient.getString("language")).isEqualTo("fr");
    assertThat(previews.getJsonObject(1).getString("visit")).isEqualTo("arrived");
    assertThat(w.count("SELECT count(*) FROM sync_inbox")).isZero();
  }

  @Test
  void aSecondSourceForTheSameSendingFacilityIsRefusedAndTheFirstKeepsItsMessages() throws Exception {
    JsonObject same = SyncWorld.definition("hl7v2-mllp", "PMS again", mapping("CLINIC_PMS", "Europe/Paris"));
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, same))).isInstanceOf(SyncException.class)
        .hasMessage("Another HL7 v2 source already takes the messages of sending facility 'CLINIC_PMS' (MSH-4);"
            + " each facility's messages go to one source.");
    assertThat(w.count("SELECT count(*) FROM sync_source WHERE name = 'PMS again'")).isZero();
    // a source saved again with its own facility is not in its own way
    w.get(w.sync.update(source.id(), new JsonObject().put("name", "Front office PMS")));

    assertThat(ackCode(sendWithHapi(siu("2.5.1", "S12", "dup-1", "D1", TEN, "LAB")))).isEqualTo("AA");
  }

  /** An HL7 v2 source's mapping: the messages of sending facility {@code facility}, local times in {@code zone}. */
  @Test
  void aSendingFacilityHoldingAnHl7SeparatorIsRefusedItCouldNeverMatchAMessage() {
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, SyncWorld.definition("hl7v2-mllp", "Components",
        mapping("CLINIC^PMS", "Europe/London"))))).hasMessageStartingWith("The mapping's hl7.sendingFacility is MSH-4's"
        + " namespace id alone");
  }

  static JsonObject mapping(String facility, String zone) {
    return new JsonObject().put("defaultQueue", "general")
        .put("hl7", new JsonObject().put("sendingFacility", facility).put("timeZone", zone));
  }

  /** Sends a fixture through the raw socket once a source takes its sending facility. */
  private String sendAs(Mllp mllp, String text, String facility) throws IOException {
    if (w.count("SELECT count(*) FROM sync_source WHERE mapping->'hl7'->>'sendingFacility' = $1", facility) == 0) {
      w.create(SyncWorld.definition("hl7v2-mllp", "From " + facility, mapping(facility, "Europe/London")));
    }
    mllp.write(Mllp.frame(text));
    return mllp.read();
  }
}
