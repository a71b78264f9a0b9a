package io.waitline.sync.source;

import static io.waitline.queue.Refused.Kind.INVALID;

import io.vertx.core.json.JsonObject;
import io.waitline.sync.SyncException;
import java.time.Duration;
import java.time.LocalTime;

/**
 * When a source is read.
 *
 * @param every poll interval
 * @param daysAhead how many days from today the poll window covers (1 = today only)
 * @param reconcileAt local time of the nightly full read of the window, which finds deletions
 * @param skew how far each poll reaches back before the watermark, against clock skew ({@code _lastUpdated} overlap)
 */
public record Schedule(Duration every, int daysAhead, LocalTime reconcileAt, Duration skew) {
  public static Schedule from(JsonObject json) {
    JsonObject j = json == null ? new JsonObject() : json;
    int seconds = j.getInteger("everySeconds", 60);
    int days = j.getInteger("daysAhead", 2);
    int skew = j.getInteger("skewSeconds", 120);
    if (seconds < 5 || seconds > 86_400) {
      throw new SyncException(INVALID, "schedule.everySeconds must be between 5 and 86400.");
    }
    if (days < 1 || days > 31) throw new SyncException(INVALID, "schedule.daysAhead must be between 1 and 31.");
    if (skew < 0 || skew > 3600) throw new SyncException(INVALID, "schedule.skewSeconds must be between 0 and 3600.");
    LocalTime at;
    try {
      at = LocalTime.parse(j.getString("reconcileAt", "02:00"));
    } catch (RuntimeException e) {
      throw new SyncException(INVALID, "schedule.reconcileAt must be a time such as 02:00.");
    }
    return new Schedule(Duration.ofSeconds(seconds), days, at, Duration.ofSeconds(skew));
  }

  public JsonObject toJson() {
    return new JsonObject().put("everySeconds", every.toSeconds()).put("daysAhead", daysAhead)
        .put("reconcileAt", reconcileAt.toString()).put("skewSeconds", skew.toSeconds());
  }
}
