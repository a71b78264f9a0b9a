package io.waitline.edge;

import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.waitline.access.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behind a trusted proxy (here 127.0.0.1) each client keeps its own sign-in budget and the audit log names the
 * client's forwarded address; with no trusted proxies X-Forwarded-For changes nothing.
 */
class ForwardedClientAddressTest {
  @RegisterExtension
  static final TestApp behindProxy = TestApp.nodeTrustingProxies("127.0.0.1");
  @RegisterExtension
  static final TestApp direct = TestApp.node();

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnSignInBudgetAndIsAudited() {
    WebClient proxy = LoopbackClients.from(behindProxy, 1);
    WebClient untrusted = LoopbackClients.from(behindProxy, 31);
    try {
      String guesser = "198.51.100.1";
      for (int i = 1; i <= 10; i++) {
        assertThat(wrongSignIn(proxy, guesser, "guess-" + i).statusCode()).as("attempt %d", i).isEqualTo(401);
      }
      problem(wrongSignIn(proxy, guesser, "guess-11"), 429);
      // the guesser cannot buy a fresh budget by writing another address in front of the one the proxy appends
      problem(wrongSignIn(proxy, "203.0.113.50, " + guesser, "guess-12"), 429);

      String user = behindProxy.account(TestApp.SITE, Role.FRONT_DESK).username();
      HttpResponse<Buffer> colleague = signIn(proxy, "198.51.100.2", user, TestApp.PASSWORD);
      assertThat(colleague.statusCode()).as(colleague.bodyAsString()).isEqualTo(200);

      JsonObject record = signInRecord(behindProxy, user);
      assertThat(record.getInteger("outcome")).isEqualTo(200);
      assertThat(record.getString("remoteAddress")).isEqualTo("198.51.100.2");
      assertThat(signInRecord(behindProxy, "guess-1").getString("remoteAddress")).isEqualTo(guesser);

      // a peer that is not a trusted proxy is its own client, whatever it forwards
      assertThat(wrongSignIn(untrusted, "198.51.100.3", "guess-from-31").statusCode()).isEqualTo(401);
      assertThat(signInRecord(behindProxy, "guess-from-31").getString("remoteAddress")).isEqualTo("127.0.0.31");
    } finally {
      proxy.close();
      untrusted.close();
    }
  }

  @Test
  void withNoTrustedProxiesTheForwardedHeaderIsIgnored() {
    WebClient client = LoopbackClients.from(direct, 32);
    try {
      for (int i = 1; i <= 10; i++) {
        assertThat(wrongSignIn(client, "198.51.100." + i, "direct-" + i).statusCode()).as("attempt %d", i)
            .isEqualTo(401);
      }
      // a new forwarded address every time did not spread the attempts over several budgets
      problem(wrongSignIn(client, "198.51.100.99", "direct-11"), 429);
      assertThat(signInRecord(direct, "direct-1").getString("remoteAddress")).isEqualTo("127.0.0.32");
    } finally {
      client.close();
    }
  }

  private static HttpResponse<Buffer> wrongSignIn(WebClient client, String forwardedFor, String username) {
    return signIn(client, forwardedFor, username, "not the password");
  }

  private static HttpResponse<Buffer> signIn(WebClient client, String forwardedFor, String username,
      String password) {
    return client.post("/api/v1/auth/session").putHeader("X-Forwarded-For", forwardedFor)
        .sendJsonObject(new JsonObject().put("username", username).put("password", password)).await();
  }

  /** The signIn record for this username, once every answered request's record is written. */
  private static JsonObject signInRecord(TestApp app, String username) {
    return app.auditRecord(app.adminToken(), "action=signIn&limit=100", r -> r.getJsonObject("detail") != null
        && username.equals(r.getJsonObject("detail").getString("username")));
  }
}
