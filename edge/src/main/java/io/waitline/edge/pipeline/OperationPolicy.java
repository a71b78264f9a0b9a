package io.waitline.edge.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What the contract declares about one operation beside its shape, read from its {@code x-waitline-*} extensions:
 * who may call it ({@code x-waitline-access}), its rate limit ({@code x-waitline-rate-limit}) and the body property
 * naming a second queue whose site the caller needs access at too ({@code x-waitline-also-queue}), and whether it
 * ends credentials ({@code x-waitline-ends-credentials}: sign-out, password and account changes, device revocation),
 * so that credentials cached by the edge are forgotten before it answers. A missing or malformed declaration stops
 * the server from starting.
 *
 * @param rateLimit null when the operation is not limited
 * @param alsoQueue null when only the site of the request's path is checked
 */
public record OperationPolicy(String operationId, List<String> access, RateLimit rateLimit, String alsoQueue,
    boolean endsCredentials) {

  /** Who a budget is counted for: the client address, or the calling device (others by address). */
  public enum Per { ADDRESS, DEVICE }

  /** A budget of {@code perMinute} requests shared by the operations that name the same {@code bucket}. */
  public record RateLimit(String bucket, int perMinute, Per per) {}

  public static OperationPolicy of(String operationId, Map<String, Object> extensions) {
    return new OperationPolicy(operationId, access(operationId, extensions.get("x-waitline-access")),
        rateLimit(operationId, extensions.get("x-waitline-rate-limit")),
        alsoQueue(operationId, extensions.get("x-waitline-also-queue")),
        endsCredentials(operationId, extensions.get("x-waitline-ends-credentials")));
  }

  private static List<String> access(String op, Object declared) {
    if (!(declared instanceof JsonArray list) || list.isEmpty()) {
      throw new IllegalStateException("operation " + op + " does not declare x-waitline-access");
    }
    return list.stream().map(String::valueOf).toList();
  }

  private static RateLimit rateLimit(String op, Object declared) {
    if (declared == null) return null;
    if (declared instanceof JsonObject limit && limit.getValue("bucket") instanceof String bucket && !bucket.isBlank()
        && limit.getValue("perMinute") instanceof Integer perMinute && perMinute > 0
        && limit.getValue("per") instanceof String per && List.of("address", "device").contains(per)) {
      return new RateLimit(bucket, perMinute, Per.valueOf(per.toUpperCase(java.util.Locale.ROOT)));
    }
    throw new IllegalStateException("operation " + op + ": x-waitline-rate-limit must be {bucket: <name>, "
        + "perMinute: <whole number above 0>, per: address|device}, got " + declared);
  }

  private static String alsoQueue(String op, Object declared) {
    if (declared == null) return null;
    if (declared instanceof String property && !property.isBlank()) return property;
    throw new IllegalStateException("operation " + op + ": x-waitline-also-queue must name a body property, got "
        + declared);
  }

  private static boolean endsCredentials(String op, Object declared) {
    if (declared == null) return false;
    if (declared instanceof Boolean ends) return ends;
    throw new IllegalStateException("operation " + op + ": x-waitline-ends-credentials must be true or false, got "
        + declared);
  }
}
