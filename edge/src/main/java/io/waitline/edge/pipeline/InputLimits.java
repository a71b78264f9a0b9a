package io.waitline.edge.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Handler;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Map;

/**
 * Bounds the work one API request can cause before anything else looks at it: a JSON body holds at most
 * {@link Problems#MAX_BODY_VALUES} values nested at most {@link Problems#MAX_BODY_DEPTH} deep (so validating it and
 * reporting its errors costs little), and no text in the body, the path or the query holds a character PostgreSQL
 * cannot store (NUL), which would otherwise fail deep inside a command or an audit record. One pass over at most
 * {@link Problems#BODY_LIMIT_BYTES} bytes.
 */
public final class InputLimits {
  private static final JsonFactory JSON = new JsonFactory();

  private InputLimits() {}

  /** The route handler; runs after the body is read and before the access check and validation. */
  public static Handler<RoutingContext> handler() {
    return rc -> {
      if (hasNul(rc.pathParams()) || rc.queryParams().entries().stream().anyMatch(e -> hasNul(e.getKey())
          || hasNul(e.getValue()))) {
        throw new Problems.BadRequest(Problems.UNSTORABLE_SENTENCE);
      }
      RequestBody body = rc.body();
      if (body != null && body.length() > 0 && isJson(rc.request().getHeader("Content-Type"))) checkJson(body);
      rc.next();
    };
  }

  private static boolean isJson(String contentType) {
    return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
  }

  private static void checkJson(RequestBody body) {
    int values = 0;
    int depth = 0;
    try (JsonParser parser = JSON.createParser(body.buffer().getBytes())) {
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            values++;
            if (++depth > Problems.MAX_BODY_DEPTH) throw tooMany();
          }
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME -> {
            if (hasNul(parser.currentName())) throw new Problems.BadRequest(Problems.UNSTORABLE_SENTENCE);
          }
          case VALUE_STRING -> {
            values++;
            if (hasNul(parser.getText())) throw new Problems.BadRequest(Problems.UNSTORABLE_SENTENCE);
          }
          default -> values++;
        }
        if (values > Problems.MAX_BODY_VALUES) throw tooMany();
      }
    } catch (IOException malformed) {
      // not JSON after all: validation says so in its own words
    }
  }

  private static Problems.TooManyFields tooMany() {
    return new Problems.TooManyFields();
  }

  private static boolean hasNul(Map<String, String> values) {
    return values.entrySet().stream().anyMatch(e -> hasNul(e.getKey()) || hasNul(e.getValue()));
  }

  private static boolean hasNul(String text) {
    return text != null && text.indexOf('\u0000') >= 0;
  }
}
