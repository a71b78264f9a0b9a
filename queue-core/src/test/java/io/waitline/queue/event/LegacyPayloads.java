package io.waitline.queue.event;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Event payloads exactly as releases before format 1 stored them (the REST shape of the time). */
public final class LegacyPayloads {
  private LegacyPayloads() {}

  /** The sample of a {@code called} event (resource {@code legacy-called-payload.json}) for queue {@code queueId}. */
  public static JsonObject called(String queueId) throws IOException {
    try (InputStream in = LegacyPayloads.class.getResourceAsStream("/legacy-called-payload.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("QUEUE", queueId));
    }
  }
}
