package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Signs in to a started server as an operator does: on first start the setup code from the data dir creates the
 * admin; then the admin's credentials buy an API token.
 */
final class FirstAdmin {
  static final String USERNAME = "admin";
  static final String PASSWORD = "correct horse battery staple";

  private FirstAdmin() {}

  /** An admin's bearer token for {@code server}, creating the admin with the setup code when there is none yet. */
  static String token(WaitlineServer server, Path dataDir) throws IOException {
    WebClient client = WebClient.create(server.vertx());
    try {
      Path codeFile = dataDir.resolve(WaitlineServer.SETUP_CODE_FILE);
      if (Files.exists(codeFile)) {
        HttpResponse<Buffer> setup = setUp(server, client, Files.readString(codeFile).trim());
        assertThat(setup.statusCode()).as("setup: %s", setup.bodyAsString()).isEqualTo(201);
      }
      HttpResponse<Buffer> token = client.post(server.port(), "127.0.0.1", "/api/v1/auth/tokens")
          .sendJsonObject(new JsonObject().put("username", USERNAME).put("password", PASSWORD)).await();
      assertThat(token.statusCode()).as("token: %s", token.bodyAsString()).isEqualTo(201);
      return token.bodyAsJsonObject().getString("token");
    } finally {
      client.close();
    }
  }

  static HttpResponse<Buffer> setUp(WaitlineServer server, WebClient client, String code) {
    return client.post(server.port(), "127.0.0.1", "/api/v1/setup").sendJsonObject(new JsonObject()
        .put("code", code).put("username", USERNAME).put("displayName", "First Admin").put("password", PASSWORD))
        .await();
  }
}
