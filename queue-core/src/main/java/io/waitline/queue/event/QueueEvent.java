package io.waitline.queue.event;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One committed change to one queue: the row of the queue event log. {@code seq} is gap-free per queue; the payload
 * says what changed ({@link QueueEventPayload}).
 */
public record QueueEvent(String queueId, String siteId, long seq, EventType type, QueueEventPayload payload,
    Instant at) {

  /** The event as it travels between publishers and listeners (the payload in its stored format). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("queueId", queueId)
        .put("siteId", siteId)
        .put("seq", seq)
        .put("type", type.wire())
        .put("at", InstantText.format(at))
        .put("payload", EventPayloadCodec.encode(payload));
  }

  public static QueueEvent fromJson(JsonObject json) {
    return new QueueEvent(json.getString("queueId"), json.getString("siteId"), json.getLong("seq"),
        EventType.fromWire(json.getString("type")), EventPayloadCodec.decode(json.getJsonObject("payload")),
        InstantText.parse(json.getString("at")));
  }
}
