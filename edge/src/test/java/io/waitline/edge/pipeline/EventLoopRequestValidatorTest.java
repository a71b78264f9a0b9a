package io.waitline.edge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopRequestValidatorTest extends ContractTest {
  private static final String QUEUE = "6a1c3a52-8f1e-4e0c-9d47-3f0e2a0f4b11";

  @Test
  void aRequestIsValidatedOnItsOwnEventLoopWithoutAWorkerHop() throws Exception {
    RequestValidator validator = new EventLoopRequestValidator(vertx, new ReusedValidators(contract));
    ValidatableRequest checkIn = checkIn(QUEUE, "{\"patient\":{\"name\":\"Ann Lee\"}}");

    Checked checked = onEventLoop(() -> validator.validate(checkIn, "checkIn"));

    assertThat(checked.doneBeforeReturning()).as("answered before validate returned, so no other thread ran it")
        .isTrue();
    ValidatedRequest request = checked.outcome().result();
    assertThat(request.getPathParameters().get("queueId").getString()).isEqualTo(QUEUE);
    assertThat(request.getBody().getJsonObject().getJsonObject("patient").getString("name")).isEqualTo("Ann Lee");
  }

  @Test
  void refusesWhatTheLibrarysValidatorRefusesWithTheSameError() throws Exception {
    RequestValidator library = RequestValidator.create(vertx, contract);
    RequestValidator onLoop = new EventLoopRequestValidator(vertx, new ReusedValidators(contract));
    Map<String, ValidatableRequest> bad = Map.of(
        "a body of the wrong shape", checkIn(QUEUE, "{\"patient\":\"Ann\"}"),
        "no body", checkIn(QUEUE, null),
        "a body that is not JSON", checkIn(QUEUE, "{\"patient\":"),
        "a path parameter that is not an id", checkIn("not an id", "{\"patient\":{\"name\":\"Ann Lee\"}}"));

    for (Map.Entry<String, ValidatableRequest> request : bad.entrySet()) {
      Future<ValidatedRequest> expected = library.validate(request.getValue(), "checkIn");
      Checked checked = onEventLoop(() -> onLoop.validate(request.getValue(), "checkIn"));
      awaitQuietly(expected);

      assertThat(expected.failed()).as(request.getKey()).isTrue();
      assertThat(checked.doneBeforeReturning()).as(request.getKey()).isTrue();
      assertThat(checked.outcome().cause()).as(request.getKey()).isNotNull()
          .hasSameClassAs(expected.cause()).hasMessage(expected.cause().getMessage());
    }
  }

  @Test
  void aStringParameterIsTakenAsTheLibraryTakesItWhetherOrNotItGoesTheShortWay() {
    RequestValidatorImpl library = new RequestValidatorImpl(vertx, contract);
    EventLoopRequestValidator onLoop = new EventLoopRequestValidator(vertx, new ReusedValidators(contract));
    List<String> raws = List.of("lab", "q-1", "blood-tests-2", QUEUE, "abc_def", "007", "123", "true", "null", "x",
        "Lab", "-5", "-abc", "-", "1-2", "12.5", "1e5", "a b", "\"quoted\"", "\"", "a,b", "{}", "[1]", "é", "",
        "a".repeat(41), "2026-12-01");
    List<Parameter> params = List.of(parameter("checkIn", "queueId"), parameter("getInsights", "from"));

    int shortWay = 0;
    for (Parameter param : params) {
      for (String raw : raws) {
        String what = param.getName() + " = [" + raw + "]";
        if (EventLoopRequestValidator.plainString(param, raw) != null) shortWay++;
        Object expected;
        try {
          expected = library.validateParameter(param, new RequestParameterImpl(raw)).get();
        } catch (RuntimeException refused) {
          assertThatThrownBy(() -> onLoop.validateParameter(param, new RequestParameterImpl(raw))).as(what)
              .hasSameClassAs(refused).hasMessage(refused.getMessage());
          continue;
        }
        assertThat(onLoop.validateParameter(param, new RequestParameterImpl(raw)).get()).as(what).isEqualTo(expected);
        assertThat(onLoop.validateParameter(param, new RequestParameterImpl(raw)).get()).as(what + ", again")
            .isEqualTo(expected);
      }
    }
    assertThat(shortWay).as("values that went the short way").isGreaterThanOrEqualTo(20);
  }

  @Test
  void aPlainValueIsCheckedOnceAndARefusedOneEveryTimeWithAtMostABoundedNumberKept() {
    EventLoopRequestValidator onLoop = new EventLoopRequestValidator(vertx, new ReusedValidators(contract));
    Parameter queueId = parameter("checkIn", "queueId");

    onLoop.validateParameter(queueId, new RequestParameterImpl(QUEUE));
    assertThat(onLoop.accepted(queueId)).containsExactly(QUEUE);
    String tooLong = "a".repeat(200);
    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> onLoop.validateParameter(queueId, new RequestParameterImpl(tooLong)))
          .as("refused on attempt " + attempt).isInstanceOf(RuntimeException.class);
    }
    assertThat(onLoop.accepted(queueId)).as("a refused value is never kept").containsExactly(QUEUE);

    for (int i = 0; i < EventLoopRequestValidator.MAX_ACCEPTED_PER_PARAMETER; i++) {
      onLoop.validateParameter(queueId, new RequestParameterImpl("q-" + i));
    }
    assertThat(onLoop.accepted(queueId)).as("full: forgotten at once, then the newest kept").hasSize(1)
        .containsExactly("q-" + (EventLoopRequestValidator.MAX_ACCEPTED_PER_PARAMETER - 1));
  }

  private static Parameter parameter(String operationId, String name) {
    return contract.operation(operationId).getParameters().stream().filter(p -> p.getName().equals(name)).findFirst()
        .orElseThrow();
  }

  private static ValidatableRequest checkIn(String queueId, String body) {
    RequestParameter content = body == null ? null : new RequestParameterImpl(Buffer.buffer(body));
    return new ValidatableRequestImpl(Map.of(), Map.of(), Map.of("queueId", new RequestParameterImpl(queueId)),
        Map.of(), content, "application/json");
  }

  private record Checked(Future<ValidatedRequest> outcome, boolean doneBeforeReturning) {}

  /** Calls {@code validate} on an event loop and notes whether its future was complete when it returned. */
  private static Checked onEventLoop(java.util.function.Supplier<Future<ValidatedRequest>> validate) throws Exception {
    Promise<Checked> checked = Promise.promise();
    Context loop = vertx.getOrCreateContext();
    loop.runOnContext(v -> {
      assertThat(Context.isOnEventLoopThread()).isTrue();
      Future<ValidatedRequest> outcome = validate.get();
      boolean done = outcome.isComplete();
      outcome.onComplete(ar -> checked.complete(new Checked(outcome, done)));
    });
    return checked.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void awaitQuietly(Future<?> f) throws Exception {
    f.transform(ar -> Future.succeededFuture()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
