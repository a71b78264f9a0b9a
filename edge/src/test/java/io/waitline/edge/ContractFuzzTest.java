package io.waitline.edge;

import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.SITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.waitline.access.Role;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * Hostile input over every operation of the contract ({@code openapi.yaml}), anonymous and signed in as an admin:
 * broken and hostile path values, query values and bodies, and bodies of content types no operation takes. Not one
 * answer may be a 5xx or fail to arrive, and {@code /health/live} must answer between operations; a stalled event
 * loop fails the run too (see {@link TestApp}).
 */
class ContractFuzzTest {
  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");
  private static final List<String> PATH_VALUES = List.of("%00", "a%20b", "..%2F..", "x".repeat(3000),
      "00000000-0000-0000-0000-000000000000", "-1", "%E2%82", "'%3B--");
  private static final List<String> QUERY_VALUES = List.of("", "%zz", "-1", "99999999999999999999999", "x".repeat(3000),
      "%00", "2026-13-45T99:99:99Z");
  private static final List<String> BODIES = List.of("", "{", "[]", "null", "\"text\"", "{}", "{\"a\":1}",
      "{\"name\":\"\\u0000\"}", "{\"name\":\"\",\"email\":\"\",\"username\":\"\",\"password\":\"\"}",
      "{\"patient\":{\"name\":\"Ann\",\"email\":\"\"}}", "{\"roles\":[" + "{\"role\":\"admin\"},".repeat(900)
      + "{}]}", "[".repeat(100) + "]".repeat(100), "{\"x\":" + "1".repeat(5000) + "}",
      "{\"queueId\":\"" + GENERAL + "\",\"calledTo\":123,\"kind\":[],\"code\":{}}");

  /** Bodies labelled as what no operation takes, or as forms, which the body handler would decode. */
  private static final List<String> CONTENT_TYPES = List.of("multipart/form-data; boundary=",
      "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "text/plain",
      "application/json; charset=x");

  @RegisterExtension
  static final TestApp app = TestApp.node();

  private record Operation(HttpMethod method, String path, String id, boolean hasBody, List<String> queryParams) {}

  @SuppressWarnings("unchecked")
  private static List<Operation> operations() throws Exception {
    try (InputStream in = ContractFuzzTest.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      Map<String, Object> contract = new Yaml().load(in);
      List<Operation> out = new ArrayList<>();
      ((Map<String, Map<String, Object>>) contract.get("paths")).forEach((path, item) -> item.forEach((key, value) -> {
        if (!(value instanceof Map<?, ?> op) || !(op.get("operationId") instanceof String id)) return;
        List<String> query = new ArrayList<>();
        if (op.get("parameters") instanceof List<?> params) {
          for (Object p : params) {
            if (p instanceof Map<?, ?> m && "query".equals(m.get("in"))) query.add(String.valueOf(m.get("name")));
          }
        }
        out.add(new Operation(HttpMethod.valueOf(key.toUpperCase()), path, id, op.containsKey("requestBody"),
            query));
      }));
      return out;
    }
  }

  private static String fill(String template, String hostile) {
    Matcher m = PATH_PARAM.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String real = switch (m.group(1)) {
        case "siteId" -> SITE;
        case "queueId" -> GENERAL;
        default -> "00000000-0000-0000-0000-000000000000";
      };
      m.appendReplacement(out, Matcher.quoteReplacement(hostile != null ? hostile : real));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Test
  void noHostileRequestToAnyOperationGetsA5xxOrStallsTheServer() throws Exception {
    List<Operation> operations = operations();
    assertThat(operations).hasSizeGreaterThan(80);
    List<String> failures = new ArrayList<>();
    int sent = 0;
    for (Operation op : operations) {
      // a fresh admin per operation, so that signing out or changing a password cannot disarm the rest
      String token = app.staffToken(null, Role.ADMIN);
      for (String caller : new String[] {null, token}) {
        String real = fill(op.path(), null);
        List<String[]> requests = new ArrayList<>(); // target, body
        for (String body : op.hasBody() ? BODIES : List.of("")) requests.add(new String[] {real, body});
        if (PATH_PARAM.matcher(op.path()).find()) {
          for (String v : PATH_VALUES) requests.add(new String[] {fill(op.path(), v), op.hasBody() ? "{}" : ""});
        }
        for (String q : op.queryParams()) {
          for (String v : QUERY_VALUES) requests.add(new String[] {real + "?" + q + "=" + v, ""});
        }
        for (String type : CONTENT_TYPES) requests.add(new String[] {real, "a=%zz&--x", type});
        for (String[] r : requests) {
          sent++;
          String outcome = send(op.method(), r[0], caller, r[1], r.length > 2 ? r[2] : "application/json");
          if (outcome != null) failures.add(op.id() + " " + op.method() + " " + abbreviate(r[0]) + " "
              + (caller == null ? "anonymous" : "admin") + " body " + abbreviate(r[1]) + ": " + outcome);
        }
      }
      HttpResponse<Buffer> live = app.anonymous(HttpMethod.GET, "/health/live").timeout(2_000).send().await();
      assertThat(live.statusCode()).as("/health/live after %s", op.id()).isEqualTo(200);
    }
    assertThat(failures).as("of %d hostile requests", sent).isEmpty();
  }

  /** Null when the server answered below 500; otherwise what went wrong. */
  private static String send(HttpMethod method, String target, String token, String body, String contentType) {
    HttpRequest<Buffer> request = app.anonymous(method, target).timeout(10_000);
    if (token != null) request.putHeader("Authorization", "Bearer " + token);
    try {
      HttpResponse<Buffer> r = body.isEmpty() ? request.send().await()
          : request.putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body)).await();
      return r.statusCode() < 500 ? null : r.statusCode() + " " + abbreviate(r.bodyAsString());
    } catch (RuntimeException e) {
      return "no answer: " + e;
    }
  }

  private static String abbreviate(String text) {
    if (text == null) return "null";
    return text.length() <= 80 ? text : text.substring(0, 80) + "…(" + text.length() + ")";
  }
}
