package io.waitline.queue.event.kafka;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.event.EventPayloadCodec;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import java.time.Instant;

/**
 * A queue event as a Kafka record's value: a CloudEvents 1.0 structured JSON envelope (id, source, type, time) with
 * the queue's ids and seq as extension attributes and the typed, versioned payload as {@code data}. Schema in
 * docs/events.md.
 */
public final class EventEnvelope {
  /** The prefix of every {@code type}: the event type's wire name follows. */
  public static final String TYPE_PREFIX = "io.waitline.queue.";

  private EventEnvelope() {}

  public static JsonObject encode(QueueEvent e) {
    return new JsonObject()
        .put("specversion", "1.0")
        .put("id", e.queueId() + "/" + e.seq())
        .put("source", "/waitline/queues/" + e.queueId())
        .put("type", TYPE_PREFIX + e.type().wire())
        .put("time", e.at().toString())
        .put("datacontenttype", "application/json")
        .put("site", e.siteId())
        .put("queue", e.queueId())
        .put("seq", e.seq())
        .put("data", EventPayloadCodec.encode(e.payload()));
  }

  /** Reads an envelope; fails for one that is not a queue event or whose data a newer release wrote. */
  public static QueueEvent decode(JsonObject json) {
    String type = json.getString("type");
    if (type == null || !type.startsWith(TYPE_PREFIX)) {
      throw new IllegalArgumentException("not a queue event: type " + type);
    }
    return new QueueEvent(json.getString("queue"), json.getString("site"), json.getLong("seq"),
        EventType.fromWire(type.substring(TYPE_PREFIX.length())), EventPayloadCodec.decode(json.getJsonObject("data")),
        Instant.parse(json.getString("time")));
  }
}
