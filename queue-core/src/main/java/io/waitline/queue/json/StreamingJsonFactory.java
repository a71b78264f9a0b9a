package io.waitline.queue.json;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON codec for every Waitline process (registered in {@code META-INF/services}; ordered before Vert.x's
 * own factory). With jackson-databind on the class path (HAPI and others bring it) Vert.x encodes every
 * {@code JsonObject} through an {@code ObjectMapper}: serializer look-ups per map and per value, 8 % of the server's
 * CPU under the commands benchmark (event payloads bound as jsonb, response bodies). JSON trees — what Waitline
 * encodes — go through Jackson's streaming generator instead, as Vert.x does without databind; the same text. Values
 * that only databind can map (a POJO anywhere in the tree, pretty printing) and every typed decode keep databind's
 * codec.
 */
public final class StreamingJsonFactory implements JsonFactory {
  private static final JsonCodec CODEC = new TreesStreamed();

  @Override
  public int order() {
    return 0; // Vert.x's own factory is Integer.MAX_VALUE: lower goes first
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }

  /** Databind's codec, except that plain JSON trees are encoded by the streaming codec. */
  static final class TreesStreamed extends DatabindCodec {
    private static final JacksonCodec STREAMING = new JacksonCodec();

    @Override
    public String toString(Object value, boolean pretty) throws EncodeException {
      if (!pretty) {
        try {
          return STREAMING.toString(value, false);
        } catch (EncodeException notATree) { // a value only databind maps: its encoding, from the start
        }
      }
      return super.toString(value, pretty);
    }

    @Override
    public Buffer toBuffer(Object value, boolean pretty) throws EncodeException {
      if (!pretty) {
        try {
          return STREAMING.toBuffer(value, false);
        } catch (EncodeException notATree) {
        }
      }
      return super.toBuffer(value, pretty);
    }
  }
}
