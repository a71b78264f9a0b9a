package io.waitline.edge.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * vertx-openapi's request validation, run on the request's own event loop. The library's validator hands each
 * request's checks to a worker thread ({@code executeBlocking}): a hop there and back per request, 12 % of the
 * server's samples under the command benchmark. The checks are the library's own ({@link #validateParameter},
 * {@link #validateBody}), so the errors are the same; only where they run changes. Their work per request is bounded
 * before they run: a body is at most {@link Problems#BODY_LIMIT_BYTES} bytes and, as JSON, at most
 * {@link Problems#MAX_BODY_VALUES} values {@link Problems#MAX_BODY_DEPTH} deep ({@link InputLimits}); a file upload is
 * declared as bytes, which are not examined.
 *
 * <p>One shortcut, same outcome: a string path or query parameter made of letters, digits, {@code _} and {@code -}
 * (an id, a queue name) is taken as it is. The library's transformer first tries such a value as JSON and, for one
 * with a {@code -}, builds a parse exception before taking it as a string: 5 % of the server's samples under the
 * command benchmark. A value that starts with {@code -} may be a JSON number, so it goes the library's way.
 *
 * <p>Such a value its parameter's schema accepted once is taken again without the check: a schema's verdict on a
 * string never changes, and the same few queue and entry ids come back in request after request (the check was 6 % of
 * the server's samples under the command benchmark). Refused values are not kept; at most
 * {@value #MAX_ACCEPTED_PER_PARAMETER} accepted values per parameter are, forgotten all at once when full.
 */
public final class EventLoopRequestValidator extends RequestValidatorImpl {

  static final int MAX_ACCEPTED_PER_PARAMETER = 1_024;

  /** Per parameter of the contract, the plain values its schema accepted. */
  private final Map<Parameter, Set<String>> accepted = new ConcurrentHashMap<>();

  public EventLoopRequestValidator(Vertx vertx, OpenAPIContract contract) {
    super(vertx, contract);
  }

  @Override
  public Future<ValidatedRequest> validate(ValidatableRequest request, String operationId) {
    Operation operation = contract.operation(operationId);
    if (operation == null) return super.validate(request, operationId); // the library's refusal
    try {
      Map<String, RequestParameter> cookies = new HashMap<>();
      Map<String, RequestParameter> headers = new HashMap<>();
      Map<String, RequestParameter> path = new HashMap<>();
      Map<String, RequestParameter> query = new HashMap<>();
      for (Parameter param : operation.getParameters()) {
        switch (param.getIn()) {
          case COOKIE -> cookies.put(param.getName(), validateParameter(param, request.getCookies().get(param.getName())));
          case HEADER -> headers.put(param.getName(), validateParameter(param, request.getHeaders().get(param.getName())));
          case PATH -> path.put(param.getName(), validateParameter(param, request.getPathParameters().get(param.getName())));
          case QUERY -> query.put(param.getName(), validateParameter(param, request.getQuery().get(param.getName())));
        }
      }
      RequestParameter body = validateBody(operation.getRequestBody(), request);
      return Future.succeededFuture(new ValidatedRequestImpl(cookies, headers, path, query, body));
    } catch (RuntimeException invalid) { // as the library's worker task would fail
      return Future.failedFuture(invalid);
    }
  }

  @Override
  public RequestParameter validateParameter(Parameter parameter, RequestParameter value) {
    String plain = value == null || value.isNull() ? null : plainString(parameter, String.valueOf(value.get()));
    if (plain == null) return super.validateParameter(parameter, value);
    Set<String> known = accepted.computeIfAbsent(parameter, p -> ConcurrentHashMap.newKeySet());
    if (known.contains(plain)) return new RequestParameterImpl(plain);
    // what the library's transformer answers for such a value, then the library's own schema check
    OutputUnit result = contract.getSchemaRepository().validator(parameter.getSchema()).validate(plain);
    try {
      result.checkValidity();
      if (known.size() >= MAX_ACCEPTED_PER_PARAMETER) known.clear();
      known.add(plain);
      return new RequestParameterImpl(plain);
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createErrorFromOutputUnitType(parameter, result, e);
    }
  }

  /** The plain values of {@code parameter} taken without a check from now on (for tests). */
  Set<String> accepted(Parameter parameter) {
    return Set.copyOf(accepted.getOrDefault(parameter, Set.of()));
  }

  /** {@code raw} when the library would take it as that very string without trying it as JSON first; else null. */
  static String plainString(Parameter parameter, String raw) {
    if (parameter.getSchemaType() != SchemaType.STRING) return null;
    if (parameter.getStyle() != Style.SIMPLE && parameter.getStyle() != Style.FORM) return null;
    if (raw.isEmpty() || raw.charAt(0) == '-') return null;
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      boolean plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'
          || ch == '-';
      if (!plain) return null;
    }
    return raw;
  }
}
