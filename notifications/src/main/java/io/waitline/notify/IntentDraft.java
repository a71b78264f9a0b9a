package io.waitline.notify;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A message decided on, before it is stored. {@code key} makes it unique: storing the same key twice stores it once.
 *
 * @param eventId the queue event that caused it, or null for timer-driven alerts
 * @param params what the templates may use: ticket, room, position, wait minutes — never names or clinical details
 * @param skipReason non-null when the key is only recorded so it never fires (e.g. a threshold already covered)
 */
public record IntentDraft(String key, Kind kind, Long eventId, UUID entryId, String siteId, String queueId,
    String ticket, JsonObject params, String skipReason) {

  public boolean skipped() {
    return skipReason != null;
  }
}
