package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher with SMTP configured: a check-in over the REST API reaches the patient by e-mail. */
class NotificationsWiringTest {
  @TempDir Path dataDir;

  @Test
  void aCheckInThroughTheApiIsMailedToThePatientWithTheirLink() throws Exception {
    GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    mail.start();
    Map<String, String> env = new HashMap<>(Map.of("WAITLINE_HTTP_PORT", "0", "WAITLINE_HTTP_HOST", "127.0.0.1",
        "WAITLINE_DATA_DIR", dataDir.toString(),
        "WAITLINE_PUBLIC_URL", "https://clinic.example",
        "SMTP_HOST", "127.0.0.1", "SMTP_PORT", String.valueOf(mail.getSmtp().getPort()), "SMTP_TLS", "none",
        "SMTP_FROM", "queue@clinic.example"));
    env.put("NOTIFY_QUIET_HOURS", "off");
    WaitlineServer server = new WaitlineServer(Config.load(env)).start();
    try {
      String token = FirstAdmin.token(server, dataDir);
      JsonObject checkIn = new JsonObject().put("patient", new JsonObject().put("name", "Ann Lee")
          .put("email", "ann@example.org"));
      JsonObject entry = WebClient.create(server.vertx()).post(server.port(), "127.0.0.1",
              "/api/v1/queues/general/check-ins").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(checkIn).await().bodyAsJsonObject();

      assertThat(mail.waitForIncomingEmail(15_000, 1)).isTrue();
      MimeMessage m = mail.getReceivedMessages()[0];
      assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ann@example.org");
      assertThat(m.getContent().toString()).contains(entry.getString("patientLink")).doesNotContain("Ann Lee");
    } finally {
      server.stop();
      mail.stop();
    }
  }
}
