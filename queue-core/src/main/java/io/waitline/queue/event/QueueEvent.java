package io.waitline.queue.event;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One committed change to one queue: the row of the queue event log. {@code seq} is gap-free per queue.
 *
 * <p>The payload holds {@code entry} (the entry after the change, staff view), {@code lineup} (waiting entries
 * in order with positions and estimates) and {@code queue} (paused, staff on duty).
 */
public record QueueEvent(String queueId, String siteId, long seq, String type, JsonObject payload, Instant at) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("queueId", queueId)
        .put("siteId", siteId)
        .put("seq", seq)
        .put("type", type)
        .put("at", at.toString())
        .put("payload", payload);
  }

  public static QueueEvent fromJson(JsonObject json) {
    return new QueueEvent(json.getString("queueId"), json.getString("siteId"), json.getLong("seq"),
        json.getString("type"), json.getJsonObject("payload"), Instant.parse(json.getString("at")));
  }
}
