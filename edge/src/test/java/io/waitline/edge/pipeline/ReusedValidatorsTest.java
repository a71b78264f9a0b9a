package io.waitline.edge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import org.junit.jupiter.api.Test;

class ReusedValidatorsTest extends ContractTest {

  private static JsonSchema checkInBody(OpenAPIContract c) {
    return c.operation("checkIn").getRequestBody().getContent().get("application/json").getSchema();
  }

  @Test
  void theSameBodySchemaGetsTheSameValidatorOnEveryRequest() {
    ReusedValidators reused = new ReusedValidators(contract);

    // what the request validator does for each request: look the operation's schema up, ask for its validator
    Validator first = reused.getSchemaRepository().validator(checkInBody(reused));
    Validator second = reused.getSchemaRepository().validator(checkInBody(reused));

    assertThat(second).isSameAs(first);
    assertThat(contract.getSchemaRepository().validator(checkInBody(contract)))
        .as("the library's own repository builds a new one each time").isNotSameAs(first);
  }

  @Test
  void aReusedValidatorStillRefusesWhatTheContractRefuses() {
    Validator v = new ReusedValidators(contract).getSchemaRepository().validator(checkInBody(contract));

    assertThat(v.validate(new io.vertx.core.json.JsonObject().put("patient",
        new io.vertx.core.json.JsonObject().put("name", "Ann Lee"))).getValid()).isTrue();
    assertThat(v.validate(new io.vertx.core.json.JsonObject().put("patient", "Ann")).getValid()).isFalse();
    assertThat(v.validate(new io.vertx.core.json.JsonObject().put("patient",
        new io.vertx.core.json.JsonObject().put("name", "Ann Lee"))).getValid()).as("and accepts again after").isTrue();
  }
}
