package io.waitline.sync.hl7;

import ca.uhn.hl7v2.model.Segment;
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
  public static ReceivedRecord record(Hl7Segments message, String text, ZoneId zone) {
    String control = message.get("MSH", 10);
    String appointment = appointmentId(message);
    Instant sent = instantOrNull(message.get("MSH", 7), zone);
    return new ReceivedRecord(appointment == null ? "Message/" + control : "Appointment/" + appointment, control,
        sent == null ? 0 : sent.toEpochMilli(), text, message);
  }

  @Override
  public SourceAppointment read(ReceivedRecord record, Mapping mapping) {
    if (mapping.hl7() == null) throw new Unreadable("The source's mapping has no hl7 settings.");
    ZoneId zone = ZoneId.of(mapping.hl7().timeZone());
    // the message as parsed on receipt; a replayed dead letter has only its text
    Hl7Segments m = record.parsed() instanceof Hl7Segments parsed ? parsed
        : new Hl7Segments(messages.read(record.payload()));
    if (record.externalId().startsWith("Message/")) {
      throw new Unreadable(isSiu(m) ? "The message names no appointment: SCH-2 (filler appointment id) and SCH-1"
          + " (placer appointment id) are both empty." : "The message names no appointment: PV1-19 (visit number)"
          + " and PV1-5 (preadmit number) are both empty; Waitline finds the appointment by the visit number.");
    }
    String event = m.get("MSH", 9, 0, 2);
    Visit visit = switch (event) {
      case "S12", "S13", "S14" -> Visit.EXPECTED;
      case "A08" -> Visit.DETAILS;
      case "S15", "S17" -> Visit.CANCELLED;
      case "S26" -> Visit.NO_SHOW;
      case "A04" -> Visit.ARRIVED;
      case "A03" -> Visit.FULFILLED;
      default -> throw new Unreadable("Event " + event + " is not one Waitline applies.");
    };
    return new SourceAppointment(visit, start(m, event, zone), keys(m), patient(m), null);
  }

  private static boolean isSiu(Hl7Segments m) {
    return "SIU".equals(m.get("MSH", 9));
  }

  private static String appointmentId(Hl7Segments m) {
    if (isSiu(m)) {
      String filler = m.get("SCH", 2);
      return filler != null ? filler : m.get("SCH", 1);
    }
    String visit = m.get("PV1", 19);
    return visit != null ? visit : m.get("PV1", 5);
  }

  /** A time field's place: a segment's field and component, named as in error sentences (e.g. SCH-11-4). */
  private record TimeField(String segment, int field, int component) {
    String label() {
      return segment + "-" + field + "-" + component;
    }
  }

  /**
   * When the appointment starts: the first resource's start, else the SCH-11 timing, else TQ1. An A08 carries none
   * (the entry keeps its time); an A04 for an appointment never booked is a walk-in, expected when it registered
   * (PV1-44 admit time, else EVN-2, else MSH-7).
   */
  private static Instant start(Hl7Segments m, String event, ZoneId zone) {
    List<TimeField> fields = switch (event) {
      case "A08", "A03" -> List.of();
      case "A04" -> List.of(new TimeField("PV1", 44, 1), new TimeField("EVN", 2, 1), new TimeField("MSH", 7, 1));
      default -> List.of(new TimeField("AIS", 4, 1), new TimeField("AIL", 6, 1), new TimeField("AIP", 6, 1),
          new TimeField("AIG", 8, 1), new TimeField("SCH", 11, 4), new TimeField("TQ1", 7, 1));
    };
    for (TimeField f : fields) {
      String value = m.get(f.segment(), f.field(), 0, f.component());
      if (value != null) return instant(value, zone, f.label());
    }
    return null;
  }

  /** Every resource's identifier the mapping's rules can match, in message order (repeated resources each count). */
  private static List<Mapping.Key> keys(Hl7Segments m) {
    List<Mapping.Key> keys = new ArrayList<>();
    for (Segment s : m.all()) {
      String kind = switch (s.getName()) {
        case "AIL" -> "location";
        case "AIP" -> "practitioner";
        case "AIG" -> "healthcareService";
        case "AIS" -> "serviceType";
        default -> null;
      };
      String value = kind == null ? null : Hl7Segments.value(s, 3, 0, 1, 1);
      if (value != null) keys.add(new Mapping.Key(kind, value));
    }
    // ADT messages (and SIU without resources) still say where and with whom: PV1-3 and PV1-7
    String location = m.get("PV1", 3);
    if (location != null) keys.add(new Mapping.Key("location", location));
    String doctor = m.get("PV1", 7);
    if (doctor != null) keys.add(new Mapping.Key("practitioner", doctor));
    String type = m.get("SCH", 8);
    if (type != null) keys.add(new Mapping.Key("serviceType", type));
    return keys;
  }

  private static SourcePatient patient(Hl7Segments m) {
    String family = m.get("PID", 5);
    String given = m.get("PID", 5, 0, 2);
    if (family == null && given == null) return null;
    String name = given == null ? family : family == null ? given : given + " " + family;
    List<SourcePatient.Identifier> ids = new ArrayList<>();
    for (int rep = 0, reps = Math.min(10, m.repetitions("PID", 3)); rep < reps; rep++) {
      String value = m.get("PID", 3, rep, 1);
      if (value == null) break;
      ids.add(new SourcePatient.Identifier(system(m, rep), value));
    }
    String born = m.get("PID", 7);
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
    return new SourcePatient(ref, name, birth, ids, phone(m), email(m), language(m.get("PID", 15)));
  }

  /** PID-3's assigning authority (its namespace id, else universal id), else its identifier type code. */
  private static String system(Hl7Segments m, int rep) {
    String namespace = m.get("PID", 3, rep, 4, 1);
    if (namespace != null) return namespace;
    String universal = m.get("PID", 3, rep, 4, 2);
    if (universal != null) return universal;
    String type = m.get("PID", 3, rep, 5);
    return type != null ? type : "urn:waitline:hl7:pid-3";
  }

  /** The first home (PID-13) then business (PID-14) number that is a telephone, not an e-mail address. */
  private static String phone(Hl7Segments m) {
    for (int field : new int[] {13, 14}) {
      for (int rep = 0, reps = Math.min(5, m.repetitions("PID", field)); rep < reps; rep++) {
        String unformatted = m.get("PID", field, rep, 12);
        String formatted = m.get("PID", field, rep, 1);
        String local = m.get("PID", field, rep, 7);
        String number = unformatted != null ? unformatted : formatted != null && !formatted.contains("@") ? formatted
            : local == null ? null : (nonNull(m.get("PID", field, rep, 5)) + nonNull(m.get("PID", field, rep, 6))
                + local);
        if (number != null && !number.isBlank()) return number;
      }
    }
    return null;
  }

  private static String email(Hl7Segments m) {
    for (int rep = 0, reps = Math.min(5, m.repetitions("PID", 13)); rep < reps; rep++) {
      String address = m.get("PID", 13, rep, 4);
      if (address != null) return address;
      String first = m.get("PID", 13, rep, 1);
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

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
