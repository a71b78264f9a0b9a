package io.waitline.sync.webhook;

import static io.waitline.queue.Refused.Kind.INVALID;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.sync.SyncException;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.source.Mapping;
import io.waitline.sync.source.PushedKind;
import io.waitline.sync.source.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A practice-management system that calls Waitline: each appointment event is a JSON body posted to
 * {@code POST /api/v1/sources/{sourceId}/webhooks}, signed with the source's secret ({@link WebhookSignature}), its
 * fields found by the JSON pointers of the source's mapping ({@link WebhookEventReader}). Nothing is polled.
 */
public final class WebhookKind extends PushedKind {
  public static final String KIND = "webhook";

  public WebhookKind() {
    super(KIND, new WebhookEventReader());
  }

  @Override
  public List<ReceivedRecord> split(String sample, Mapping mapping) {
    Object parsed;
    try {
      parsed = sample == null ? null : io.vertx.core.json.Json.decodeValue(sample);
    } catch (DecodeException e) {
      throw new SyncException(INVALID, "The sample is not valid JSON.");
    }
    List<ReceivedRecord> out = new ArrayList<>();
    if (parsed instanceof JsonObject event) {
      out.add(record(event, mapping, ""));
    } else if (parsed instanceof JsonArray events) {
      for (Object e : events) {
        if (!(e instanceof JsonObject event)) {
          throw new SyncException(INVALID, "A sample array must hold JSON objects, one event each.");
        }
        out.add(record(event, mapping, "Event " + (out.size() + 1) + " of the sample: "));
      }
    } else {
      throw new SyncException(INVALID, "A sample is one JSON event or an array of them.");
    }
    return out;
  }

  /** The event's record; one that names no event or appointment id is refused with {@code where} it is. */
  private static ReceivedRecord record(JsonObject event, Mapping mapping, String where) {
    try {
      return WebhookEventReader.record(event, mapping, Instant.EPOCH);
    } catch (RecordReader.Unreadable e) {
      throw new SyncException(INVALID, where + e.getMessage());
    }
  }

  @Override
  public void validate(Source source) {
    if (source.subscriptionSecret() == null) {
      throw new SyncException(INVALID, "A webhook source needs subscription.secret (at least 16 characters): its"
          + " events are signed with it.");
    }
    for (String field : Mapping.REQUIRED_FIELDS) {
      if (!source.mapping().fields().containsKey(field)) {
        throw new SyncException(INVALID, "A webhook source's mapping needs fields." + field
            + " (a JSON pointer into the event, e.g. /appointment/id); it needs " + String.join(", ",
                Mapping.REQUIRED_FIELDS) + ".");
      }
    }
  }

}
