package io.waitline.sync.source;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * An appointment source of one site, as configured by its admins.
 *
 * @param subscriptionSecret what the source sends in {@code X-Waitline-Source-Secret} with its FHIR Subscription
 *     notifications; null when it sends none (then notifications are refused)
 * @param writeBack its Appointments are told when their patients arrive, are seen or do not come (fhir-r4 only)
 */
public record Source(UUID id, String siteId, String kind, String name, String baseUrl, SourceAuth auth,
    Mapping mapping, Schedule schedule, boolean enabled, boolean writeBack, Instant createdAt, Instant updatedAt,
    String subscriptionSecret) {

  public static final String FHIR_R4 = "fhir-r4";

  /** The actor recorded on queue changes this source causes. */
  public String actor() {
    return "source:" + name;
  }

  /** What a client may read back: everything but secrets. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("siteId", siteId).put("kind", kind).put("name", name)
        .put("baseUrl", baseUrl).put("auth", auth.publicJson()).put("mapping", mapping.toJson())
        .put("schedule", schedule.toJson()).put("enabled", enabled).put("writeBack", writeBack)
        .put("subscription", new JsonObject().put("secretSet", subscriptionSecret != null)).put("createdAt", createdAt.toString())
        .put("updatedAt", updatedAt.toString());
  }

  /** Never the secrets, so a source can be logged safely. */
  @Override
  public String toString() {
    return "Source[" + id + " " + kind + " '" + name + "' " + baseUrl + " auth=" + auth.publicJson().getString("type")
        + "]";
  }
}
