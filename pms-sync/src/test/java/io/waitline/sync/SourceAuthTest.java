package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.INVALID;
import static io.waitline.sync.SyncWorld.TEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.source.Source;
import io.waitline.sync.store.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How Waitline authenticates to sources, and how their secrets are kept: write-only and sealed at rest. */
class SourceAuthTest {

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final FhirTestServer fhir = w.fhirServer(50);

  @BeforeEach
  void start() {
    fhir.putPatient(Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1"));
    fhir.putAppointment(Fhir.appointment("a1", AppointmentStatus.BOOKED, TEN, "p1", null));
  }

  @Test
  void aBearerTokenIsSentAndAWrongOneIsASentenceAboutCredentials() {
    fhir.requireAuthorization("Bearer s3cret-token-1");
    Source good = w.fhirSource("Good", fhir.baseUrl(), new JsonObject().put("type", "bearer").put("token", "s3cret-token-1"));
    Source bad = w.fhirSource("Bad", fhir.baseUrl(), new JsonObject().put("type", "bearer").put("token", "wrong"));

    assertThat(w.get(w.sync.syncNow(good.id(), false)).count(Outcome.APPLIED)).isEqualTo(1);
    assertThat(w.failure(w.sync.syncNow(bad.id(), false)))
        .hasMessage("The FHIR server answered HTTP 401 (unauthorized): check the source's credentials.");
    assertThat(w.get(w.sync.health(bad.id())).getString("lastError"))
        .isEqualTo("The FHIR server answered HTTP 401 (unauthorized): check the source's credentials.");
  }

  @Test
  void basicCredentialsAreSent() {
    fhir.requireAuthorization("Basic " + Base64.getEncoder().encodeToString("waitline:pa55word".getBytes(StandardCharsets.UTF_8)));
    Source s = w.fhirSource("Basic", fhir.baseUrl(), new JsonObject().put("type", "basic").put("username", "waitline")
        .put("password", "pa55word"));

    assertThat(w.get(w.sync.syncNow(s.id(), false)).count(Outcome.APPLIED)).isEqualTo(1);
  }

  @Test
  void smartBackendServicesGetsATokenWithASignedClientAssertionAndReusesIt() throws Exception {
    KeyPair keys = rsa();
    fhir.smartBackendServices(new FhirTestServer.SmartClient("waitline-client", keys.getPublic(), "issued-token-9"));
    Source s = w.fhirSource("EHR", fhir.baseUrl(), new JsonObject().put("type", "smart-backend")
        .put("tokenUrl", fhir.url("/token")).put("clientId", "waitline-client").put("keyId", "k1")
        .put("privateKey", pem(keys)));

    assertThat(w.get(w.sync.syncNow(s.id(), false)).count(Outcome.APPLIED)).isEqualTo(1);
    w.get(w.sync.syncNow(s.id(), false));

    assertThat(fhir.assertions).hasSize(1); // the access token lasts 300 s: the second sync reuses it
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(fhir.assertions.get(0).split("\\.")[0])));
    assertThat(header.getString("kid")).isEqualTo("k1");
  }

  @Test
  void aSmartClientWithTheWrongKeyIsRefusedWithASentence() throws Exception {
    fhir.smartBackendServices(new FhirTestServer.SmartClient("waitline-client", rsa().getPublic(), "issued"));
    Source s = w.fhirSource("EHR", fhir.baseUrl(), new JsonObject().put("type", "smart-backend")
        .put("tokenUrl", fhir.url("/token")).put("clientId", "waitline-client").put("privateKey", pem(rsa())));

    assertThat(w.failure(w.sync.syncNow(s.id(), false)))
        .hasMessage("The SMART token endpoint refused the client credentials (HTTP 400: invalid_client).");
  }

  @Test
  void secretsAreNeverReturnedAndADatabaseDumpAloneDoesNotRevealThem() throws Exception {
    String pem = pem(rsa());
    Source bearer = w.fhirSource("B", fhir.baseUrl(), new JsonObject().put("type", "bearer").put("token", "tok-XYZZY"));
    Source basic = w.fhirSource("P", fhir.baseUrl(), new JsonObject().put("type", "basic").put("username", "u")
        .put("password", "pw-PLUGH"));
    Source smart = w.fhirSource("S", fhir.baseUrl(), new JsonObject().put("type", "smart-backend")
        .put("tokenUrl", fhir.url("/token")).put("clientId", "c").put("privateKey", pem));

    for (Source s : new Source[] {bearer, basic, smart}) {
      String read = w.get(w.sync.source(s.id())).toJson().encode();
      assertThat(read).doesNotContain("tok-XYZZY", "pw-PLUGH", "PRIVATE KEY", "\"token\":", "\"password\":", "\"privateKey\":");
      assertThat(s.toString()).doesNotContain("tok-XYZZY", "pw-PLUGH", "PRIVATE KEY");
      assertThat(s.auth().toString()).doesNotContain("tok-XYZZY", "pw-PLUGH", "PRIVATE KEY");
    }
    String dump = w.get(w.pool.query("SELECT string_agg(t::text, ' ') FROM sync_source t").execute())
        .iterator().next().getString(0);
    assertThat(dump).doesNotContain("tok-XYZZY", "pw-PLUGH", "PRIVATE KEY", pem.substring(40, 80));

    // another key cannot open what was sealed; nor can a sealed value moved onto another source
    String sealed = w.get(w.pool.query("SELECT secrets FROM sync_source WHERE name = 'B'").execute())
        .iterator().next().getString(0);
    SecretBox right = new SecretBox(SyncWorld.KEY);
    assertThat(right.open(bearer.id().toString(), sealed).getString("token")).isEqualTo("tok-XYZZY");
    assertThatThrownBy(() -> new SecretBox(Base64.getEncoder().encodeToString(new byte[32])).open(bearer.id().toString(), sealed))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> right.open(basic.id().toString(), sealed)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void changingASourceWithoutResendingItsSecretKeepsIt() {
    fhir.requireAuthorization("Bearer keep-me");
    Source s = w.fhirSource("B", fhir.baseUrl(), new JsonObject().put("type", "bearer").put("token", "keep-me"));

    w.get(w.sync.update(s.id(), new JsonObject().put("name", "Renamed").put("auth", new JsonObject().put("type", "bearer"))));

    assertThat(w.get(w.sync.source(s.id())).name()).isEqualTo("Renamed");
    assertThat(w.get(w.sync.syncNow(s.id(), false)).count(Outcome.APPLIED)).isEqualTo(1);
  }

  @Test
  void badSourceDefinitionsAreRefusedWithSentences() {
    JsonObject base = new JsonObject().put("kind", "fhir-r4").put("name", "X").put("baseUrl", fhir.baseUrl())
        .put("mapping", new JsonObject().put("defaultQueue", "general"));
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, base.copy().put("kind", "carrier-pigeon"))))
        .isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessage("Source kind 'carrier-pigeon' is not supported; use csv, fhir-r4, hl7v2-mllp, webhook.");
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, base.copy().put("baseUrl", "ftp://x"))))
        .hasMessage("baseUrl must be the FHIR server's http(s) address, e.g. https://ehr.example.org/fhir.");
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, base.copy().put("auth", new JsonObject().put("type", "bearer")))))
        .hasMessage("A bearer token source needs auth.token.");
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, base.copy().put("mapping", new JsonObject().put("defaultQueue", "nope")))))
        .hasMessage("The mapping names queue 'nope', which does not exist at site clinic.");
    assertThat(w.count("SELECT count(*) FROM sync_source")).isZero();
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static String pem(KeyPair keys) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }
}
