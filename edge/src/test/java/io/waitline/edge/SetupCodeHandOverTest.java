package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.waitline.access.PasswordHasher;
import io.waitline.notify.NotificationsConfig;
import io.waitline.queue.LoopbackPorts;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The first admin's setup code is handed to the launcher before the node answers on its port, so an operator (or a
 * script) who waits for {@code /health/ready} and then reads the code's file always finds it.
 */
class SetupCodeHandOverTest {

  @Test
  void theSetupCodeIsHandedOverBeforeTheNodeAnswersOnItsPort() throws Exception {
    int port = LoopbackPorts.free();
    AtomicReference<Optional<String>> handed = new AtomicReference<>();
    AtomicBoolean answeringThen = new AtomicBoolean(true);
    Vertx vertx = Vertx.vertx();
    WaitlineNode node = WaitlineNode.start(vertx, new WaitlineNode.Options(MigratedDatabases.fresh(),
        "http://localhost").listen("127.0.0.1", port).instances(1).poolSize(2)
        .passwordHasher(PasswordHasher.forTests()).notifications(NotificationsConfig.load(k -> null, "http://localhost"))
        .onSetupCode(code -> {
          handed.set(code);
          answeringThen.set(LoopbackPorts.accepts(port, 1000));
        }));
    try {
      assertThat(handed.get()).as("a fresh database has no admin yet").isPresent().isEqualTo(node.setupCode());
      assertThat(answeringThen).as("the port answered before the code was handed over").isFalse();
      assertThat(LoopbackPorts.accepts(port, 1000)).as("the node answers once started").isTrue();
    } finally {
      node.stop().await();
      vertx.close().await();
    }
  }
}
