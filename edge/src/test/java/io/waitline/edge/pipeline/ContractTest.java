package io.waitline.edge.pipeline;

import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import io.waitline.edge.EdgeRouter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests of the request pipeline against Waitline's own contract, read once per test class on a Vert.x of its own. */
abstract class ContractTest {
  static Vertx vertx;
  static OpenAPIContract contract;

  @BeforeAll
  static void readContract() throws Exception {
    vertx = Vertx.vertx();
    contract = EdgeRouter.contract(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() {
    vertx.close();
  }
}
