package io.waitline.edge;

import static io.waitline.edge.TestApp.GENERAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.waitline.access.DeviceKind;
import io.waitline.access.Role;
import io.waitline.pay.sandbox.SandboxProcessor;
import io.waitline.pay.support.LocalStripe;
import io.waitline.queue.Entry;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Co-pays over HTTP: the kiosk pays on its reader, bad input is a 4xx sentence, Stripe's webhook is checked raw. */
class PaymentApiTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();
  private static int patients;

  private static Entry walkIn() {
    return app.checkIn(GENERAL, "Payment Patient " + (++patients));
  }

  @Test
  void aKioskPaysItsVisitsCoPayOnItsReaderAndTheManagerSeesItInTheDaysReport() {
    String kioskReader = app.newReader("kiosk");
    String kiosk = app.deviceToken(TestApp.SITE, DeviceKind.KIOSK);
    Entry visit = walkIn();
    JsonObject copay = app.http.get("/api/v1/entries/" + visit.id() + "/copay")
        .putHeader("Authorization", "Bearer " + kiosk).send().await().bodyAsJsonObject();
    assertThat(copay.getString("amount")).isEqualTo("€20.00");
    assertThat(copay.getString("collect")).isEqualTo("kiosk");

    // a kiosk cannot pretend to be the desk: its payment is taken at the kiosk
    HttpResponse<Buffer> started = app.http.post("/api/v1/entries/" + visit.id() + "/payments")
        .putHeader("Authorization", "Bearer " + kiosk)
        .sendJsonObject(new JsonObject().put("station", "desk").put("readerId", kioskReader)).await();
    assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(200);
    JsonObject payment = started.bodyAsJsonObject();
    assertThat(payment.getString("station")).isEqualTo("kiosk");
    assertThat(payment.getString("state")).isEqualTo("processing");

    app.clock.advance(SandboxProcessor.TAP_AFTER);
    JsonObject paid = app.http.get("/api/v1/payments/" + payment.getString("id"))
        .putHeader("Authorization", "Bearer " + kiosk).send().await().bodyAsJsonObject();
    assertThat(paid.getString("state")).isEqualTo("succeeded");
    String receipt = paid.getString("receiptUrl");
    JsonObject printable = app.anonymous(HttpMethod.GET, "/api/v1/receipts/"
        + receipt.substring(receipt.lastIndexOf('/') + 1)).send().await().bodyAsJsonObject();
    assertThat(printable.fieldNames()).doesNotContain("patient", "name", "entryId");
    assertThat(printable.getString("cardLast4")).isEqualTo("4242");

    String manager = app.staffToken(TestApp.SITE, Role.MANAGER);
    LocalDate today = LocalDate.ofInstant(app.clock.instant(), ZoneId.of("Europe/London"));
    HttpResponse<Buffer> csv = app.http.get("/api/v1/sites/" + TestApp.SITE + "/reconciliation?day=" + today
        + "&format=csv").putHeader("Authorization", "Bearer " + manager).send().await();
    assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
    assertThat(csv.bodyAsString()).startsWith("at,kind,ticket,method,state,recorded_minor,processor_minor")
        .contains("," + visit.ticket() + ",card,succeeded,2000,2000,eur,");
    JsonObject todays = app.http.get("/api/v1/sites/" + TestApp.SITE + "/reconciliation")
        .putHeader("Authorization", "Bearer " + manager).send().await().bodyAsJsonObject();
    assertThat(todays.getString("day")).as("the day when none is asked: today at the site by the node's clock")
        .isEqualTo(today.toString());
  }

  @Test
  void cardDataAndNonsenseAreRefusedWithASentenceNeverA500() {
    Entry visit = walkIn();
    TestApp.problem(app.post("/api/v1/entries/" + visit.id() + "/payments",
        "{\"station\":\"desk\",\"number\":\"4242424242424242\",\"cvc\":\"123\"}"), 400);
    TestApp.problem(app.post("/api/v1/entries/" + visit.id() + "/cash-payments", "{\"amountMinor\":-5}"), 400);
    TestApp.problem(app.post("/api/v1/entries/" + visit.id() + "/cash-payments", "{\"amountMinor\":12.5}"), 400);
    JsonObject cash = app.post("/api/v1/entries/" + visit.id() + "/cash-payments", "{}").bodyAsJsonObject();
    JsonObject tooMuch = TestApp.problem(app.post("/api/v1/payments/" + cash.getString("id") + "/refunds",
        "{\"amountMinor\":2500,\"reason\":\"too much\"}"), 409);
    assertThat(tooMuch.getString("detail")).isEqualTo("At most €20.00 of this payment can still be refunded.");
    TestApp.problem(app.post("/api/v1/payments/" + java.util.UUID.randomUUID() + "/refunds",
        "{\"amountMinor\":100,\"reason\":\"x\"}"), 404);
    TestApp.problem(app.get("/api/v1/sites/" + TestApp.SITE + "/reconciliation?day=yesterday"), 400);
    TestApp.problem(app.staff(HttpMethod.PUT, "/api/v1/queues/" + GENERAL + "/payment-settings")
        .sendJsonObject(new JsonObject().put("amountMinor", 2000).put("collect", "sometimes")).await(), 400);
    TestApp.problem(app.staff(HttpMethod.PUT, "/api/v1/sites/" + TestApp.SITE + "/payment-settings")
        .sendJsonObject(new JsonObject().put("currency", "xyz")).await(), 422);
  }

  @Test
  void stripesWebhookIsCheckedOverTheRawBodyARedeliveryIsADuplicateAndEachDeliveryIsAudited() {
    String body = "{\n  \"id\": \"evt_edge_1\",\n  \"object\": \"event\",\n  \"type\": \"payment_intent.succeeded\","
        + "\n  \"data\": {\"object\": {\"id\": \"pi_unknown\", \"object\": \"payment_intent\", \"status\": \"succeeded\"}}\n}";
    long now = app.clock.instant().getEpochSecond();
    HttpResponse<Buffer> first = webhook(body, LocalStripe.sign(body, now, TestApp.STRIPE_WEBHOOK_SECRET));
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject().getString("outcome")).isEqualTo("ignored");
    assertThat(webhook(body, LocalStripe.sign(body, now, TestApp.STRIPE_WEBHOOK_SECRET)).bodyAsJsonObject()
        .getString("outcome")).isEqualTo("duplicate");

    JsonObject forged = TestApp.problem(webhook(body.replace("succeeded", "canceled"),
        LocalStripe.sign(body, now, TestApp.STRIPE_WEBHOOK_SECRET)), 400);
    assertThat(forged.getString("detail")).isEqualTo(
        "The Stripe-Signature header does not match this body, or is older than 5 minutes.");
    TestApp.problem(webhook(body, null), 400);

    // every delivery is written down with the event's id, type and outcome, and nothing else of the body
    app.settledAuditId(); // records are written when each answer has been sent: waited for up to a later marker
    JsonArray records = app.get("/api/v1/audit?action=stripeWebhook&limit=10").bodyAsJsonObject()
        .getJsonArray("items");
    assertThat(records).hasSize(4);
    assertThat(records.stream().map(r -> ((JsonObject) r).getInteger("outcome")))
        .containsExactlyInAnyOrder(200, 200, 400, 400);
    assertThat(records.stream().map(r -> ((JsonObject) r).getJsonObject("detail").getString("eventId")))
        .containsOnly("evt_edge_1");
    assertThat(records.stream().map(r -> ((JsonObject) r).getJsonObject("detail").getString("outcome")))
        .containsExactlyInAnyOrder("ignored", "duplicate", null, null);
    assertThat(records.encode()).doesNotContain("pi_unknown");
  }

  private static HttpResponse<Buffer> webhook(String body, String signature) {
    var request = app.anonymous(HttpMethod.POST, "/api/v1/payments/webhooks/stripe")
        .putHeader("Content-Type", "application/json; charset=utf-8");
    if (signature != null) request.putHeader("Stripe-Signature", signature);
    return request.sendBuffer(Buffer.buffer(body)).await();
  }
}
