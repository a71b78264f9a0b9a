package io.waitline.sync.source;

import static io.waitline.queue.Refused.Kind.INVALID;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.sync.SyncException;
import io.waitline.sync.pipeline.Visit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one source's appointments become queue entries: which queue (first matching rule, else the default), which
 * identifier system is the MRN, and how the source's status codes read.
 *
 * @param rules in order; the first rule whose key the appointment carries picks the queue
 * @param statuses source status code → what it means for the visit (defaults cover FHIR R4 Appointment.status)
 */
public record Mapping(List<Rule> rules, String defaultQueue, String mrnSystem, Map<String, Visit> statuses) {
  /** What a rule looks at: a participant reference or the service type. */
  public static final Set<String> KINDS = Set.of("location", "practitioner", "healthcareService", "serviceType");

  /** A routing rule: appointments carrying {@code kind}={@code value} go to {@code queue}. */
  public record Rule(String kind, String value, String queue) {}

  /** One thing an appointment carries that rules can match, e.g. ("location", "Location/1"). */
  public record Key(String kind, String value) {}

  static final Map<String, Visit> FHIR_STATUSES = Map.of(
      "proposed", Visit.EXPECTED, "pending", Visit.EXPECTED, "booked", Visit.EXPECTED, "waitlist", Visit.EXPECTED,
      "arrived", Visit.ARRIVED, "checked-in", Visit.ARRIVED,
      "cancelled", Visit.CANCELLED, "entered-in-error", Visit.CANCELLED,
      "noshow", Visit.NO_SHOW, "fulfilled", Visit.FULFILLED);

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
      String meaning = overrides.getString(code);
      try {
        statuses.put(code, Visit.fromWire(meaning));
      } catch (RuntimeException e) {
        throw new SyncException(INVALID, "mapping.statuses." + code + " must be one of expected, arrived, cancelled,"
            + " noshow or fulfilled.");
      }
    }
    String defaultQueue = j.getString("defaultQueue");
    if (rules.isEmpty() && defaultQueue == null) {
      throw new SyncException(INVALID, "The mapping needs at least one queue rule or a defaultQueue.");
    }
    return new Mapping(List.copyOf(rules), defaultQueue, j.getString("mrnSystem"), Map.copyOf(statuses));
  }

  public JsonObject toJson() {
    JsonArray queues = new JsonArray();
    rules.forEach(r -> queues.add(new JsonObject().put("match", r.kind()).put("value", r.value())
        .put("queue", r.queue())));
    JsonObject overrides = new JsonObject();
    statuses.forEach((code, v) -> {
      if (FHIR_STATUSES.get(code) != v) overrides.put(code, v.wire());
    });
    return new JsonObject().put("queues", queues).put("defaultQueue", defaultQueue).put("mrnSystem", mrnSystem)
        .put("statuses", overrides);
  }
}
