package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.edge.pipeline.ClientAddress;
import io.waitline.edge.pipeline.OperationPolicy;
import io.waitline.edge.pipeline.RateLimits;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The router refuses to start when the contract and the code disagree about an operation or its policy. */
class EdgeRouterTest {

  @Test
  void anOperationWithoutAHandlerStopsTheStart() {
    assertThatThrownBy(() -> EdgeRouter.checkHandlers(List.of("getQueue", "callNext"), Set.of("getQueue")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no handler").hasMessageContaining("callNext");
  }

  @Test
  void aHandlerForAnOperationTheContractDoesNotHaveStopsTheStart() {
    assertThatThrownBy(() -> EdgeRouter.checkHandlers(List.of("getQueue"), Set.of("getQueue", "callNextOld")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("contract does not have")
        .hasMessageContaining("callNextOld");
  }

  @Test
  void theSameOperationsOnBothSidesStart() {
    assertThatCode(() -> EdgeRouter.checkHandlers(List.of("getQueue", "callNext"), Set.of("callNext", "getQueue")))
        .doesNotThrowAnyException();
  }

  @Test
  void anOperationWithoutAccessOrWithAMalformedRateLimitStopsTheStart() {
    assertThatThrownBy(() -> OperationPolicy.of("signIn", Map.of()))
        .hasMessageContaining("signIn does not declare x-waitline-access");
    assertThatThrownBy(() -> OperationPolicy.of("signIn", Map.of("x-waitline-access", new JsonArray().add("public"),
        "x-waitline-rate-limit", new JsonObject().put("bucket", "sign-in").put("perMinute", 10).put("per", "moon"))))
        .hasMessageContaining("x-waitline-rate-limit must be");
  }

  @Test
  void twoOperationsGivingOneBucketDifferentBudgetsStopTheStart() {
    RateLimits limits = new RateLimits(null, Clock.systemUTC(), ClientAddress.TCP_PEER);
    limits.forOperation(policy("signIn", 10));

    assertThatThrownBy(() -> limits.forOperation(policy("createApiToken", 20)))
        .hasMessageContaining("createApiToken").hasMessageContaining("sign-in");
  }

  private static OperationPolicy policy(String op, int perMinute) {
    return OperationPolicy.of(op, Map.of("x-waitline-access", new JsonArray().add("public"),
        "x-waitline-rate-limit", new JsonObject().put("bucket", "sign-in").put("perMinute", perMinute)
            .put("per", "address")));
  }
}
