package io.waitline.sync.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.util.ReadOnlyMessageIterator;
import ca.uhn.hl7v2.util.Terser;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.pipeline.SourceAppointment;
import io.waitline.sync.pipeline.SourcePatient;
import io.waitline.sync.pipeline.Visit;
import io.waitline.sync.source.Mapping;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one HL7 v2 scheduling or patient message into the pipeline's terms. The event says what happened to the
 * visit (S12/S13/S14 booked or changed, S15/S17 cancelled or deleted, S26 no-show, A04 arrived, A08 patient details,
 * A03 visit ended); the resource segments (AIL location, AIP practitioner, AIG resource, AIS service) or, in ADT, PV1
 * give the keys the mapping routes by; PID gives the patient.
 */
public final class Hl7MessageReader implements RecordReader {
  private static final Pattern TIME = Pattern.compile(
      "(\\d{4})(\\d{2})(\\d{2})(?:(\\d{2})(\\d{2})(\\d{2})?(?:\\.\\d{1,4})?)?([+-]\\d{4})?");

  private final Hl7Messages messages;

  public Hl7MessageReader(Hl7Messages messages) {
    this.messages = messages;
  }

  /**
   * The record of a parsed message: the appointment it is about (SCH filler id, else placer id; in ADT the PV1-19
   * visit number, else PV1-5), its control id (MSH-10) as version, its time (MSH-7) as order. A message naming no
   * appointment becomes record {@code Message/<control id>}, which {@link #read} refuses (a dead letter).
   */
  public static ReceivedRecord record(Message message, String text, ZoneId zone) {
    Terser t = new Terser(message);
    String control = Hl7Messages.field(t, "/MSH-10");
    String appointment = appointmentId(t);
    Instant sent = instantOrNull(Hl7Messages.field(t, "/MSH-7"), zone);
    return new ReceivedRecord(appointment == null ? "Message/" + control : "Appointment/" + appointment, control,
        sent == null ? 0 : sent.toEpochMilli(), text, message);
  }

  @Override
  public SourceAppointment read(ReceivedRecord record, Mapping mapping) {
    if (mapping.hl7() == null) throw new Unreadable("The source's mapping has no hl7 settings.");
    ZoneId zone = ZoneId.of(mapping.hl7().timeZone());
    // the message as parsed on receipt; a replayed dead letter has only its text
    Message message = record.parsed() instanceof Message parsed ? parsed : messages.read(record.payload());
    Terser t = new Terser(message);
    if (record.externalId().startsWith("Message/")) {
      throw new Unreadable(isSiu(t) ? "The message names no appointment: SCH-2 (filler appointment id) and SCH-1"
          + " (placer appointment id) are both empty." : "The message names no appointment: PV1-19 (visit number)"
          + " and PV1-5 (preadmit number) are both empty; Waitline finds the appointment by the visit number.");
    }
    String event = Hl7Messages.field(t, "/MSH-9-2");
    Visit visit = switch (event) {
      case "S12", "S13", "S14", "A08" -> Visit.EXPECTED;
      case "S15", "S17" -> Visit.CANCELLED;
      case "S26" -> Visit.NO_SHOW;
      case "A04" -> Visit.ARRIVED;
      case "A03" -> Visit.FULFILLED;
      default -> throw new Unreadable("Event " + event + " is not one Waitline applies.");
    };
    return new SourceAppointment(visit, start(t, event, zone), keys(message, t), patient(t), null);
  }

  private static boolean isSiu(Terser t) {
    return "SIU".equals(Hl7Messages.field(t, "/MSH-9-1"));
  }

  private static String appointmentId(Terser t) {
    if (isSiu(t)) {
      String filler = Hl7Messages.field(t, "/.SCH-2-1");
      return filler != null ? filler : Hl7Messages.field(t, "/.SCH-1-1");
    }
    String visit = Hl7Messages.field(t, "/.PV1-19-1");
    return visit != null ? visit : Hl7Messages.field(t, "/.PV1-5-1");
  }

  /**
   * When the appointment starts: the first resource's start, else the SCH-11 timing, else TQ1. An A08 carries none
   * (the entry keeps its time); an A04 for an appointment never booked is a walk-in, expected when it registered
   * (PV1-44 admit time, else EVN-2, else MSH-7).
   */
  private static Instant start(Terser t, String event, ZoneId zone) {
    List<String> paths = switch (event) {
      case "A08", "A03" -> List.of();
      case "A04" -> List.of("/.PV1-44-1", "/.EVN-2-1", "/MSH-7-1");
      default -> List.of("/.AIS-4-1", "/.AIL-6-1", "/.AIP-6-1", "/.AIG-8-1", "/.SCH-11-4", "/.TQ1-7-1");
    };
    for (String path : paths) {
      String value = Hl7Messages.field(t, path);
      if (value != null) return instant(value, zone, path.replace("/.", "").replace("/", ""));
    }
    return null;
  }

  /** Every resource's identifier the mapping's rules can match, in message order (repeated resources each count). */
  private static List<Mapping.Key> keys(Message message, Terser t) {
    List<Mapping.Key> keys = new ArrayList<>();
    Iterator<Structure> segments = ReadOnlyMessageIterator.createPopulatedSegmentIterator(message);
    while (segments.hasNext()) {
      Segment s = (Segment) segments.next();
      String kind = switch (s.getName()) {
        case "AIL" -> "location";
        case "AIP" -> "practitioner";
        case "AIG" -> "healthcareService";
        case "AIS" -> "serviceType";
        default -> null;
      };
      String value = kind == null ? null : component(s, 3, 0, 1);
      if (value != null) keys.add(new Mapping.Key(kind, value));
    }
    // ADT messages (and SIU without resources) still say where and with whom: PV1-3 and PV1-7
    String location = Hl7Messages.field(t, "/.PV1-3-1");
    if (location != null) keys.add(new Mapping.Key("location", location));
    String doctor = Hl7Messages.field(t, "/.PV1-7-1");
    if (doctor != null) keys.add(new Mapping.Key("practitioner", doctor));
    String type = Hl7Messages.field(t, "/.SCH-8-1");
    if (type != null) keys.add(new Mapping.Key("serviceType", type));
    return keys;
  }

  private static SourcePatient patient(Terser t) {
    String family = Hl7Messages.field(t, "/.PID-5-1");
    String given = Hl7Messages.field(t, "/.PID-5-2");
    if (family == null && given == null) return null;
    String name = given == null ? family : family == null ? given : given + " " + family;
    List<SourcePatient.Identifier> ids = new ArrayList<>();
    for (int rep = 0; rep < 10; rep++) {
      String value = Hl7Messages.field(t, "/.PID-3(" + rep + ")-1");
      if (value == null) break;
      ids.add(new SourcePatient.Identifier(system(t, rep), value));
    }
    String born = Hl7Messages.field(t, "/.PID-7-1");
    LocalDate birth = null;
    if (born != null) {
      if (!born.matches("\\d{8}.*")) throw new Unreadable("PID-7 birth date '" + born + "' is not a date like 19870101.");
      try {
        birth = LocalDate.of(Integer.parseInt(born.substring(0, 4)), Integer.parseInt(born.substring(4, 6)),
            Integer.parseInt(born.substring(6, 8)));
      } catch (DateTimeException e) {
        throw new Unreadable("PID-7 birth date '" + born + "' is not a date that exists.");
      }
    }
    String ref = ids.isEmpty() ? null : "Patient/" + ids.get(0).value();
    return new SourcePatient(ref, name, birth, ids, phone(t), email(t), language(Hl7Messages.field(t, "/.PID-15-1")));
  }

  /** PID-3's assigning authority (its namespace id, else universal id), else its identifier type code. */
  private static String system(Terser t, int rep) {
    for (String part : List.of("-4-1", "-4-2", "-5")) {
      String v = Hl7Messages.field(t, "/.PID-3(" + rep + ")" + part);
      if (v != null) return v;
    }
    return "urn:waitline:hl7:pid-3";
  }

  /** The first home (PID-13) then business (PID-14) number that is a telephone, not an e-mail address. */
  private static String phone(Terser t) {
    for (String field : List.of("13", "14")) {
      for (int rep = 0; rep < 5; rep++) {
        String p = "/.PID-" + field + "(" + rep + ")";
        String unformatted = Hl7Messages.field(t, p + "-12");
        String formatted = Hl7Messages.field(t, p + "-1");
        String local = Hl7Messages.field(t, p + "-7");
        String number = unformatted != null ? unformatted : formatted != null && !formatted.contains("@") ? formatted
            : local == null ? null : (nonNull(Hl7Messages.field(t, p + "-5")) + nonNull(Hl7Messages.field(t,
                p + "-6")) + local);
        if (number != null && !number.isBlank()) return number;
      }
    }
    return null;
  }

  private static String email(Terser t) {
    for (int rep = 0; rep < 5; rep++) {
      String p = "/.PID-13(" + rep + ")";
      String address = Hl7Messages.field(t, p + "-4");
      if (address != null) return address;
      String first = Hl7Messages.field(t, p + "-1");
      if (first != null && first.contains("@")) return first;
    }
    return null;
  }

  /** PID-15 as a two-letter code: ISO 639-1 as given, ISO 639-2 (eng, fra) turned into it, anything else unknown. */
  static String language(String code) {
    if (code == null) return null;
    String c = code.toLowerCase(Locale.ROOT);
    if (c.matches("[a-z]{2}([-_].*)?")) return c.substring(0, 2);
    if (c.matches("[a-z]{3}")) {
      for (String iso : Locale.getISOLanguages()) {
        if (new Locale(iso).getISO3Language().equals(c)) return iso;
      }
    }
    return null;
  }

  /** An HL7 time (DTM/TS): local in the source's zone unless it carries its own offset. */
  static Instant instant(String value, ZoneId zone, String field) {
    Matcher m = TIME.matcher(value);
    if (!m.matches() || m.group(4) == null) {
      throw new Unreadable(field + " '" + value + "' is not a time like 20261120103000 (date, hours and minutes).");
    }
    try {
      LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
          m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
      return m.group(7) == null ? local.atZone(zone).toInstant()
          : local.toInstant(ZoneOffset.of(m.group(7).substring(0, 3) + ":" + m.group(7).substring(3)));
    } catch (DateTimeException e) {
      throw new Unreadable(field + " '" + value + "' is not a time that exists.");
    }
  }

  private static Instant instantOrNull(String value, ZoneId zone) {
    try {
      return value == null ? null : instant(value, zone, "MSH-7");
    } catch (Unreadable e) {
      return null;
    }
  }

  private static String component(Segment s, int field, int rep, int component) {
    try {
      String v = Terser.get(s, field, rep, component, 1);
      return v == null || v.isBlank() ? null : v.trim();
    } catch (HL7Exception | RuntimeException e) {
      return null;
    }
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
