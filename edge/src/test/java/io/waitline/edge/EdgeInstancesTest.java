package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.waitline.access.PasswordHasher;
import io.waitline.notify.NotificationsConfig;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HTTP edge runs as several verticle instances on one port, so more than one event loop serves requests. */
class EdgeInstancesTest {

  @Test
  void requestsOnNewConnectionsAreAnsweredOnMoreThanOneEventLoop() {
    Vertx vertx = Vertx.vertx();
    WaitlineNode node = WaitlineNode.start(vertx, new WaitlineNode.Options(MigratedDatabases.fresh(),
        "http://localhost").listen("127.0.0.1", 0).instances(2).poolSize(2)
        .passwordHasher(PasswordHasher.forTests()).notifications(NotificationsConfig.load(k -> null, "http://localhost"))
        // which thread answers, seen from the test only
        .extraRoutes(router -> router.get("/test/event-loop").order(-100)
            .handler(rc -> rc.end(Thread.currentThread().getName()))));
    // no keep-alive: every request opens a connection, and the port hands each new one to the next instance
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(node.port()).setKeepAlive(false));
    try {
      Set<String> threads = new HashSet<>();
      for (int i = 0; i < 8; i++) threads.add(client.get("/test/event-loop").send().await().bodyAsString());
      // and the real edge answers on that port from each instance, in turn
      for (int i = 0; i < 2; i++) {
        assertThat(client.get("/health/live").send().await().statusCode()).isEqualTo(200);
      }

      assertThat(threads).hasSizeGreaterThanOrEqualTo(2).allMatch(t -> t.startsWith("vert.x-eventloop-thread-"));
    } finally {
      client.close();
      node.stop().await();
      vertx.close().await();
    }
  }
}
