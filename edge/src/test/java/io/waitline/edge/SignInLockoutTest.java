package io.waitline.edge;

import static io.waitline.edge.TestApp.PASSWORD;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.waitline.access.Role;
import io.waitline.access.StaffAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sign-in lockout over real HTTP, from distinct client addresses: it never tells whether a username exists, an
 * attacker's address locking an account leaves its owner's address alone, and an admin sees and lifts the locks.
 */
class SignInLockoutTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  private static HttpResponse<Buffer> signIn(WebClient from, String username, String password) {
    return from.post("/api/v1/auth/session")
        .sendJsonObject(new JsonObject().put("username", username).put("password", password)).await();
  }

  /** What a caller can tell an answer by: status, problem type and sentence. */
  private static String answer(HttpResponse<Buffer> r) {
    JsonObject body = r.bodyAsJsonObject();
    return r.statusCode() + " " + body.getString("type") + " " + body.getString("detail");
  }

  @Test
  void unknownAndRealUsernamesGetTheSameAnswersThroughTheWholeLockout() {
    StaffAccount desk = app.account(SITE, Role.FRONT_DESK);
    WebClient probingUnknown = LoopbackClients.next(app);
    WebClient probingReal = LoopbackClients.next(app);
    try {
      for (int i = 1; i <= 7; i++) {
        HttpResponse<Buffer> unknown = signIn(probingUnknown, "nobody-here", "guess " + i);
        HttpResponse<Buffer> real = signIn(probingReal, desk.username(), "guess " + i);
        problem(real, i < 5 ? 401 : 423);
        assertThat(answer(real)).as("attempt %d", i).isEqualTo(answer(unknown));
      }
      // even the right password is refused from the locked address, in the same words
      assertThat(answer(signIn(probingReal, desk.username(), PASSWORD)))
          .isEqualTo(answer(signIn(probingUnknown, "nobody-here", PASSWORD)));
    } finally {
      probingUnknown.close();
      probingReal.close();
    }
  }

  @Test
  void anAttackerLockingAnAccountDoesNotStopItsOwnerAndAnAdminSeesAndLiftsTheLock() {
    StaffAccount desk = app.account(SITE, Role.FRONT_DESK);
    WebClient attacker = LoopbackClients.next(app);
    WebClient owner = LoopbackClients.next(app);
    try {
      for (int i = 0; i < 5; i++) signIn(attacker, desk.username(), "guess " + i);
      problem(signIn(attacker, desk.username(), PASSWORD), 423);
      HttpResponse<Buffer> ownerIn = signIn(owner, desk.username(), PASSWORD);
      assertThat(ownerIn.statusCode()).as(ownerIn.bodyAsString()).isEqualTo(200);

      JsonObject listed = account(desk);
      JsonArray locks = listed.getJsonArray("locks");
      assertThat(locks).hasSize(1);
      String attackerAddress = locks.getJsonObject(0).getString("address");
      assertThat(attackerAddress).startsWith("127.1.");
      assertThat(listed.getString("lockedUntil")).isEqualTo(locks.getJsonObject(0).getString("until"));

      HttpResponse<Buffer> unlocked = app.post("/api/v1/staff/" + desk.id() + "/unlock");
      assertThat(unlocked.statusCode()).as(unlocked.bodyAsString()).isEqualTo(200);
      assertThat(unlocked.bodyAsJsonObject().getJsonArray("locks")).isEmpty();
      assertThat(unlocked.bodyAsJsonObject().getString("lockedUntil")).isNull();
      assertThat(signIn(attacker, desk.username(), PASSWORD).statusCode()).isEqualTo(200);
    } finally {
      attacker.close();
      owner.close();
    }
  }

  @Test
  void changingOnesPasswordAllowsFourWrongGuessesThenIsLocked() {
    StaffAccount manager = app.account(SITE, Role.MANAGER);
    String token = app.tokenOf(manager);
    for (int i = 1; i <= 4; i++) {
      problem(changePassword(token, "guess " + i), 403);
    }
    problem(changePassword(token, "guess 5"), 423);
    JsonObject locked = problem(changePassword(token, PASSWORD), 423);
    assertThat(locked.getString("detail")).contains("locked for 15 minutes");
    // the password is unchanged: the old one still signs in from another address
    WebClient elsewhere = LoopbackClients.next(app);
    try {
      assertThat(signIn(elsewhere, manager.username(), PASSWORD).statusCode()).isEqualTo(200);
    } finally {
      elsewhere.close();
    }
  }

  private static HttpResponse<Buffer> changePassword(String token, String current) {
    return app.anonymous(HttpMethod.POST, "/api/v1/auth/password").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("currentPassword", current)
            .put("newPassword", "a fresh long passphrase")).await();
  }

  private static JsonObject account(StaffAccount a) {
    HttpResponse<Buffer> r = app.get("/api/v1/staff");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    for (Object o : r.bodyAsJsonArray()) {
      if (a.id().toString().equals(((JsonObject) o).getString("id"))) return (JsonObject) o;
    }
    throw new AssertionError("no account " + a.id() + " in " + r.bodyAsString());
  }
}
