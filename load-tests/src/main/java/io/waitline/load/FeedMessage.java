package io.waitline.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The top of a queue-feed message: {@code type}, {@code seq}, {@code event} and the entry's {@code id}. Read by
 * streaming and skipping the rest, because an event carries the whole lineup (hundreds of entries) and fully
 * decoding it on every feed would make the benchmark client, not the server, the bottleneck.
 */
record FeedMessage(String type, long seq, String event, String entryId) {
  private static final JsonFactory JSON = new JsonFactory();

  static FeedMessage parse(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      return read(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  private static FeedMessage read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
    String type = null;
    String event = null;
    String entryId = null;
    long seq = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("type")) {
        type = p.getText();
      } else if (name.equals("seq") && value == JsonToken.VALUE_NUMBER_INT) {
        seq = p.getLongValue();
      } else if (name.equals("event")) {
        event = p.getText();
      } else if (name.equals("entry") && value == JsonToken.START_OBJECT) {
        entryId = idOf(p);
      } else {
        p.skipChildren();
      }
    }
    return new FeedMessage(type, seq, event, entryId);
  }

  /** Reads the object the parser is at up to its end; yields its {@code id}. */
  private static String idOf(JsonParser p) throws IOException {
    String id = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals("id")) {
        id = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return id;
  }
}
