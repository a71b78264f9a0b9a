package io.waitline.sync.source;

import static io.waitline.queue.Refused.Kind.INVALID;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.sync.SyncException;
import io.waitline.sync.pipeline.Visit;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How one source's appointments become queue entries: which queue (first matching rule, else the default), which
 * identifier system is the MRN, and how the source's status codes read.
 *
 * @param rules in order; the first rule whose key the appointment carries picks the queue
 * @param statuses source status code → what it means for the visit (defaults cover FHIR R4 Appointment.status)
 * @param copayExtension URL of the Appointment extension whose {@code valueMoney} is the visit's own co-pay; null
 *     when the source's appointments carry none
 * @param fields where a JSON source kind (webhooks) finds each field of an event: field name → JSON pointer
 * @param columns where a CSV source finds each field of a row: field name → column header
 * @param csv how a CSV source's files are written; null for other kinds
 * @param hl7 which sender an HL7 v2 source is and how its times read; null for other kinds
 */
public record Mapping(List<Rule> rules, String defaultQueue, String mrnSystem, Map<String, Visit> statuses,
    String copayExtension, Map<String, String> fields, Map<String, String> columns, CsvFormat csv, Hl7Format hl7) {

  /**
   * An HL7 v2 sender: its MSH-4 sending facility (how the shared MLLP listener finds the source) and the time zone
   * of its times that carry no offset.
   */
  public record Hl7Format(String sendingFacility, String timeZone) {}

  /**
   * How a CSV file is written: the delimiter, and how local times read ({@code date} + {@code time} columns, or a
   * {@code start} column in {@code dateTimeFormat}) in which time zone. A {@code start} in ISO 8601 with its offset
   * needs no zone.
   */
  public record CsvFormat(char delimiter, String dateFormat, String timeFormat, String dateTimeFormat,
      String timeZone) {}
  /** What a rule looks at: a participant reference or the service type. */
  public static final Set<String> KINDS = Set.of("location", "practitioner", "healthcareService", "serviceType");

  /**
   * The fields a CSV row can carry: those of {@link #FIELDS} but the event's, and a local date and time instead of
   * {@code start}.
   */
  public static final List<String> CSV_FIELDS = List.of("appointmentId", "status", "start", "date", "time",
      "patientId", "patientName", "birthDate", "mrn", "phone", "email", "language", "location", "practitioner",
      "healthcareService", "serviceType", "copayAmount", "copayCurrency");

  /** The fields a JSON event can carry (see {@link #fields}); those in {@link #REQUIRED_FIELDS} it must. */
  public static final List<String> FIELDS = List.of("eventId", "occurredAt", "appointmentId", "status", "start",
      "patientId", "patientName", "birthDate", "mrn", "phone", "email", "language", "location", "practitioner",
      "healthcareService", "serviceType", "copayAmount", "copayCurrency");
  public static final List<String> REQUIRED_FIELDS = List.of("eventId", "appointmentId", "status", "start",
      "patientName");

  /** The identifier system of the MRN a JSON source's events carry, when its mapping names none. */
  public static final String SOURCE_MRN_SYSTEM = "urn:waitline:source-mrn";

  /** A routing rule: appointments carrying {@code kind}={@code value} go to {@code queue}. */
  public record Rule(String kind, String value, String queue) {}

  /** One thing an appointment carries that rules can match, e.g. ("location", "Location/1"). */
  public record Key(String kind, String value) {}

  static final Map<String, Visit> FHIR_STATUSES = Map.of(
      "proposed", Visit.EXPECTED, "pending", Visit.EXPECTED, "booked", Visit.EXPECTED, "waitlist", Visit.EXPECTED,
      "arrived", Visit.ARRIVED, "checked-in", Visit.ARRIVED,
      "cancelled", Visit.CANCELLED, "entered-in-error", Visit.CANCELLED,
      "noshow", Visit.NO_SHOW, "fulfilled", Visit.FULFILLED);

  /**
   * Whether the source's appointments may carry their own co-pay (a FHIR extension, or a JSON field or CSV column
   * for the amount): then a version without one removes the one an earlier version gave.
   */
  public boolean readsCopay() {
    return copayExtension != null || fields.containsKey("copayAmount") || columns.containsKey("copayAmount");
  }

  /** The queue for an appointment carrying {@code keys}, or null when nothing matches and there is no default. */
  public String queueFor(List<Key> keys) {
    for (Rule r : rules) {
      for (Key k : keys) {
        if (r.kind().equals(k.kind()) && r.value().equals(k.value())) return r.queue();
      }
    }
    return defaultQueue;
  }

  /** What a source status code means, or null for a code the mapping does not know. */
  public Visit visit(String code) {
    return statuses.get(code);
  }

  /** Every queue the mapping names, for checking they exist at the source's site. */
  public List<String> queues() {
    List<String> all = new ArrayList<>(rules.stream().map(Rule::queue).toList());
    if (defaultQueue != null) all.add(defaultQueue);
    return all;
  }

  public static Mapping from(JsonObject json) {
    JsonObject j = json == null ? new JsonObject() : json;
    List<Rule> rules = new ArrayList<>();
    JsonArray arr = j.getJsonArray("queues", new JsonArray());
    for (int i = 0; i < arr.size(); i++) {
      if (!(arr.getValue(i) instanceof JsonObject r)) {
        throw new SyncException(INVALID, "mapping.queues[" + i + "] must be an object with match, value and queue.");
      }
      String kind = r.getString("match");
      if (!KINDS.contains(kind)) {
        throw new SyncException(INVALID, "mapping.queues[" + i + "].match must be one of location, practitioner,"
            + " healthcareService or serviceType.");
      }
      String value = r.getString("value");
      String queue = r.getString("queue");
      if (value == null || value.isBlank() || queue == null || queue.isBlank()) {
        throw new SyncException(INVALID, "mapping.queues[" + i + "] needs a value and a queue.");
      }
      rules.add(new Rule(kind, value, queue));
    }
    Map<String, Visit> statuses = new HashMap<>(FHIR_STATUSES);
    JsonObject overrides = j.getJsonObject("statuses", new JsonObject());
    for (String code : overrides.fieldNames()) {
      if (code.isBlank()) throw new SyncException(INVALID, "mapping.statuses has an empty status code.");
      Visit visit;
      try {
        visit = Visit.fromWire(overrides.getString(code));
      } catch (RuntimeException e) {
        visit = null;
      }
      // DETAILS is what an HL7 A08 means, not a status a source's appointment can have
      if (visit == null || visit == Visit.DETAILS) {
        throw new SyncException(INVALID, "mapping.statuses." + code + " must be one of expected, arrived, cancelled,"
            + " noshow or fulfilled.");
      }
      statuses.put(code, visit);
    }
    String defaultQueue = j.getString("defaultQueue");
    if (rules.isEmpty() && defaultQueue == null) {
      throw new SyncException(INVALID, "The mapping needs at least one queue rule or a defaultQueue.");
    }
    Map<String, String> fields = fields(j);
    Map<String, String> columns = columns(j);
    // a JSON event's or a CSV row's mrn field is the MRN: without a system of its own it gets Waitline's
    boolean mrnField = fields.containsKey("mrn") || columns.containsKey("mrn");
    String mrnSystem = j.getString("mrnSystem", mrnField ? SOURCE_MRN_SYSTEM : null);
    return new Mapping(List.copyOf(rules), defaultQueue, mrnSystem, Map.copyOf(statuses), copayExtension(j),
        fields, columns, csvFormat(j), hl7Format(j));
  }

  private static Hl7Format hl7Format(JsonObject mapping) {
    if (!(mapping.getValue("hl7") instanceof JsonObject hl7)) return null;
    String facility = hl7.getString("sendingFacility");
    if (facility == null || facility.isBlank() || facility.length() > 180) {
      throw new SyncException(INVALID, "The mapping's hl7.sendingFacility must be the sender's MSH-4 (its namespace"
          + " id, e.g. GHH_CLINIC), 1 to 180 characters.");
    }
    // only MSH-4's first component is matched: a value holding a separator could never match a message
    if (facility.chars().anyMatch(c -> "|^~\\&".indexOf(c) >= 0)) {
      throw new SyncException(INVALID, "The mapping's hl7.sendingFacility is MSH-4's namespace id alone (e.g."
          + " GHH_CLINIC), without HL7's separators | ^ ~ \\ &.");
    }
    String zone = hl7.getString("timeZone");
    try {
      ZoneId.of(zone == null ? "" : zone);
    } catch (DateTimeException e) {
      throw new SyncException(INVALID, "The mapping's hl7.timeZone must be the time zone of the sender's local times,"
          + " such as Europe/Paris.");
    }
    return new Hl7Format(facility.trim(), zone);
  }

  private static Map<String, String> columns(JsonObject mapping) {
    if (!(mapping.getValue("columns") instanceof JsonObject given)) return Map.of();
    Map<String, String> out = new HashMap<>();
    for (String name : given.fieldNames()) {
      if (!CSV_FIELDS.contains(name)) {
        throw new SyncException(INVALID, "The mapping's columns." + name + " is not a field Waitline reads; use "
            + String.join(", ", CSV_FIELDS) + ".");
      }
      if (!(given.getValue(name) instanceof String header) || header.isBlank()) {
        throw new SyncException(INVALID, "The mapping's columns." + name + " must be a column's header.");
      }
      out.put(name, header);
    }
    return Map.copyOf(out);
  }

  private static CsvFormat csvFormat(JsonObject mapping) {
    if (!(mapping.getValue("csv") instanceof JsonObject csv)) return null;
    String delimiter = csv.getString("delimiter", ",");
    if (delimiter.equals("tab")) delimiter = "\t";
    if (!List.of(",", ";", "|", "\t").contains(delimiter)) {
      throw new SyncException(INVALID, "The mapping's csv.delimiter must be , ; | or a tab.");
    }
    char d = delimiter.charAt(0);
    String zone = csv.getString("timeZone");
    if (zone != null) {
      try {
        ZoneId.of(zone);
      } catch (DateTimeException e) {
        throw new SyncException(INVALID, "The mapping's csv.timeZone '" + zone + "' is not a time zone such as"
            + " Europe/Paris.");
      }
    }
    for (String key : List.of("dateFormat", "timeFormat", "dateTimeFormat")) {
      String pattern = csv.getString(key);
      if (pattern == null) continue;
      try {
        DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new SyncException(INVALID, "The mapping's csv." + key + " '" + pattern + "' is not a date/time"
            + " pattern such as dd/MM/yyyy or HH:mm.");
      }
    }
    return new CsvFormat(d, csv.getString("dateFormat", "yyyy-MM-dd"), csv.getString("timeFormat", "HH:mm"),
        csv.getString("dateTimeFormat"), zone);
  }

  private static Map<String, String> fields(JsonObject mapping) {
    if (!(mapping.getValue("fields") instanceof JsonObject given)) return Map.of();
    Map<String, String> out = new HashMap<>();
    for (String name : given.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw new SyncException(INVALID, "The mapping's fields." + name + " is not a field Waitline reads; use "
            + String.join(", ", FIELDS) + ".");
      }
      if (!(given.getValue(name) instanceof String pointer) || !pointer.startsWith("/")) {
        throw new SyncException(INVALID, "The mapping's fields." + name + " must be a JSON pointer such as"
            + " /appointment/id.");
      }
      out.put(name, pointer);
    }
    return Map.copyOf(out);
  }

  private static String copayExtension(JsonObject mapping) {
    if (!(mapping.getValue("copay") instanceof JsonObject copay)) return null;
    String url = copay.getString("extension");
    if (url == null || !url.matches("(https?|urn):\\S+")) {
      throw new SyncException(INVALID, "The mapping's copay.extension must be the URL of an Appointment extension,"
          + " e.g. https://clinic.example/fhir/StructureDefinition/copay.");
    }
    return url;
  }

  public JsonObject toJson() {
    JsonArray queues = new JsonArray();
    rules.forEach(r -> queues.add(new JsonObject().put("match", r.kind()).put("value", r.value())
        .put("queue", r.queue())));
    JsonObject overrides = new JsonObject();
    statuses.forEach((code, v) -> {
      if (FHIR_STATUSES.get(code) != v) overrides.put(code, v.wire());
    });
    JsonObject json = new JsonObject().put("queues", queues).put("defaultQueue", defaultQueue)
        .put("mrnSystem", mrnSystem).put("statuses", overrides);
    if (copayExtension != null) json.put("copay", new JsonObject().put("extension", copayExtension));
    if (!fields.isEmpty()) json.put("fields", new JsonObject(new HashMap<>(fields)));
    if (!columns.isEmpty()) json.put("columns", new JsonObject(new HashMap<>(columns)));
    if (csv != null) {
      json.put("csv", new JsonObject().put("delimiter", String.valueOf(csv.delimiter()))
          .put("dateFormat", csv.dateFormat()).put("timeFormat", csv.timeFormat())
          .put("dateTimeFormat", csv.dateTimeFormat()).put("timeZone", csv.timeZone()));
    }
    if (hl7 != null) {
      json.put("hl7", new JsonObject().put("sendingFacility", hl7.sendingFacility()).put("timeZone", hl7.timeZone()));
    }
    return json;
  }
}
