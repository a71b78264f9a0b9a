package io.waitline.queue.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Waitline's JSON codec writes what Vert.x's databind codec writes, without an ObjectMapper for plain trees. */
class StreamingJsonFactoryTest {
  private static final DatabindCodec DATABIND = new DatabindCodec();

  enum Colour { AMBER }

  /** A value only databind can map (a bean). */
  public static final class Bean {
    public String getName() {
      return "bean";
    }
  }

  @Test
  void itIsTheCodecVertxUses() {
    assertThat(Json.CODEC).isInstanceOf(StreamingJsonFactory.TreesStreamed.class);
  }

  @Test
  void aTreeOfEveryJsonTypeEncodesToDatabindsTextAndBytes() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("inMap", List.of(1, "two"));
    JsonObject tree = new JsonObject()
        .put("text", "Zoë \"quoted\" \\ back / slash\n\t\u0001 emoji \uD83D\uDE00 ünïcödé")
        .put("int", 42).put("long", 9_007_199_254_740_993L).put("negative", -7)
        .put("double", 0.1).put("smallDouble", 1.0E-7).put("float", 2.5f)
        .put("bigDecimal", new BigDecimal("12345678901234567890.123456789"))
        .put("bigInteger", new BigInteger("123456789012345678901234567890"))
        .put("yes", true).put("no", false).putNull("nothing")
        .put("instant", Instant.parse("2026-12-03T06:20:11.123456Z"))
        .put("bytes", new byte[] {0, 1, 2, (byte) 255}).put("buffer", Buffer.buffer("buffered"))
        .put("enum", Colour.AMBER).put("map", map)
        .put("array", new JsonArray().add(1).addNull().add(new JsonObject().put("deep", new JsonArray().add("x"))))
        .put("empty", new JsonObject()).put("emptyArray", new JsonArray());

    assertThat(Json.CODEC.toString(tree, false)).isEqualTo(DATABIND.toString(tree, false));
    assertThat(Json.CODEC.toBuffer(tree, false)).isEqualTo(DATABIND.toBuffer(tree, false));
    assertThat(tree.encode()).isEqualTo(DATABIND.toString(tree, false));
    assertThat(new JsonArray().add(tree).encode()).isEqualTo(DATABIND.toString(new JsonArray().add(tree), false));
  }

  @Test
  void aBeanInsideATreeAndPrettyPrintingStillGoThroughDatabind() {
    JsonObject withBean = new JsonObject().put("before", 1).put("bean", new Bean()).put("after", 2);
    assertThat(Json.CODEC.toString(withBean, false)).isEqualTo("{\"before\":1,\"bean\":{\"name\":\"bean\"},\"after\":2}");
    assertThat(Json.CODEC.toBuffer(withBean, false).toString()).isEqualTo(Json.CODEC.toString(withBean, false));

    JsonObject plain = new JsonObject().put("a", new JsonArray().add(1));
    assertThat(plain.encodePrettily()).isEqualTo(DATABIND.toString(plain, true));
  }

  @Test
  void decodingIsUnchanged() {
    String text = "{\"n\":12345678901234567890,\"d\":0.5,\"s\":\"x\",\"a\":[true,null]}";
    assertThat(new JsonObject(text)).isEqualTo(new JsonObject((Map<String, Object>) DATABIND.fromString(text, Map.class)));
    assertThat(Json.CODEC.fromString("{\"name\":\"bean\"}", Map.class)).isEqualTo(Map.of("name", "bean"));
  }
}
