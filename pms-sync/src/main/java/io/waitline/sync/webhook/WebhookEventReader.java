package io.waitline.sync.webhook;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.pipeline.SourceAppointment;
import io.waitline.sync.pipeline.SourcePatient;
import io.waitline.sync.pipeline.Visit;
import io.waitline.sync.source.Mapping;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one webhook event (JSON) with the JSON pointers of the source's {@link Mapping#fields()}: the appointment's
 * id, status, start and routing keys, and its patient. The event id is the record's version, so a redelivered event
 * is applied once; events of one appointment are ordered by {@code occurredAt} when mapped, else by when they were
 * signed.
 */
public final class WebhookEventReader implements RecordReader {
  private static final Map<String, String> KEY_FIELDS = Map.of("location", "location", "practitioner",
      "practitioner", "healthcareService", "healthcareService", "serviceType", "serviceType");

  /** The record for one event: its appointment, its event id as version, its time as order. */
  public static ReceivedRecord record(JsonObject event, Mapping mapping, Instant signedAt) {
    String eventId = text(event, mapping, "eventId");
    String appointmentId = text(event, mapping, "appointmentId");
    if (eventId == null) throw new Unreadable("The event has no id at " + mapping.fields().get("eventId") + ".");
    if (appointmentId == null) {
      throw new Unreadable("The event names no appointment at " + mapping.fields().get("appointmentId") + ".");
    }
    String occurred = text(event, mapping, "occurredAt");
    Instant order = occurred == null ? signedAt : instant(occurred, "occurredAt");
    return new ReceivedRecord("Appointment/" + appointmentId, eventId, order.toEpochMilli(), event.encode());
  }

  @Override
  public SourceAppointment read(ReceivedRecord record, Mapping mapping) {
    JsonObject event;
    try {
      event = new JsonObject(record.payload());
    } catch (DecodeException e) {
      throw new Unreadable("The event is not a JSON object.");
    }
    String code = text(event, mapping, "status");
    if (code == null) throw new Unreadable("The event has no status at " + mapping.fields().get("status") + ".");
    Visit visit = mapping.visit(code);
    if (visit == null) {
      throw new Unreadable("Appointment status '" + code + "' is not in the mapping; add it under mapping.statuses.");
    }
    String start = text(event, mapping, "start");
    List<Mapping.Key> keys = new ArrayList<>();
    KEY_FIELDS.forEach((field, kind) -> {
      String value = text(event, mapping, field);
      if (value != null) keys.add(new Mapping.Key(kind, value));
    });
    return new SourceAppointment(visit, start == null ? null : instant(start, "start"), keys,
        patient(event, mapping, record.externalId()), SourceAppointment.Copay.read(text(event, mapping, "copayAmount"),
            text(event, mapping, "copayCurrency"), "The event's co-pay at " + mapping.fields().get("copayAmount")));
  }

  /**
   * The event's patient; the source's own patient id, else the MRN, else the appointment identifies them within the
   * source (then a returning patient is only suggested as a match, by name and birth date).
   */
  private static SourcePatient patient(JsonObject event, Mapping mapping, String appointment) {
    String name = text(event, mapping, "patientName");
    if (name == null) return null;
    String mrn = text(event, mapping, "mrn");
    String ref = text(event, mapping, "patientId");
    String born = text(event, mapping, "birthDate");
    LocalDate birth;
    try {
      birth = born == null ? null : LocalDate.parse(born);
    } catch (DateTimeParseException e) {
      throw new Unreadable("The patient's birth date '" + born + "' is not a date like 1980-04-23.");
    }
    List<SourcePatient.Identifier> ids = mrn == null ? List.of()
        : List.of(new SourcePatient.Identifier(mapping.mrnSystem(), mrn));
    String language = text(event, mapping, "language");
    String own = ref != null ? "Patient/" + ref : mrn != null ? "Patient/mrn:" + mrn : "Patient/of:" + appointment;
    return new SourcePatient(own, name, birth,
        ids, text(event, mapping, "phone"), text(event, mapping, "email"),
        SourcePatient.twoLetterLanguage(language));
  }

  /** The field's value as text (numbers too), or null when the mapping or the event has none. */
  private static String text(JsonObject event, Mapping mapping, String field) {
    String pointer = mapping.fields().get(field);
    if (pointer == null) return null;
    Object value;
    try {
      value = JsonPointer.from(pointer).queryJson(event);
    } catch (IllegalArgumentException e) {
      throw new Unreadable("The mapping's fields." + field + " is not a JSON pointer.");
    }
    if (value == null) return null;
    if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
      throw new Unreadable("The event's " + field + " at " + pointer + " is not a single value.");
    }
    String s = value.toString().trim();
    return s.isEmpty() ? null : s;
  }

  private static Instant instant(String value, String field) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new Unreadable("The event's " + field + " '" + value + "' is not a time with its offset, like"
          + " 2026-11-20T10:30:00+01:00.");
    }
  }
}
