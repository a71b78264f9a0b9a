package io.waitline.edge.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import java.util.HashMap;
import java.util.Map;

/**
 * vertx-openapi's request validation, run on the request's own event loop. The library's validator hands each
 * request's checks to a worker thread ({@code executeBlocking}): a hop there and back per request, 12 % of the
 * server's samples under the command benchmark. The checks are the library's own ({@link #validateParameter},
 * {@link #validateBody}), so the errors are the same; only where they run changes. Their work per request is bounded
 * before they run: a body is at most {@link Problems#BODY_LIMIT_BYTES} bytes and, as JSON, at most
 * {@link Problems#MAX_BODY_VALUES} values {@link Problems#MAX_BODY_DEPTH} deep ({@link InputLimits}); a file upload is
 * declared as bytes, which are not examined.
 */
public final class EventLoopRequestValidator extends RequestValidatorImpl {

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
}
