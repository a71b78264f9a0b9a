package io.waitline.edge.rest;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.Principal;
import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.pipeline.Problems;
import io.waitline.pay.Payments;
import io.waitline.pay.store.Settings.QueueSetting;
import io.waitline.pay.store.Settings.Reader;
import io.waitline.pay.store.Settings.SiteSetting;
import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import io.waitline.queue.command.QueueCommands;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;

/**
 * Payment endpoints: a visit's co-pay at the kiosk and the desk, cash, refunds, receipts, co-pay settings, card
 * readers, the end-of-day reconciliation, and Stripe's webhook (raw body, signature-checked, outside the OpenAPI
 * router). Without a payments module every operation answers a 404 problem.
 */
public final class PaymentApi {
  public static final String STRIPE_WEBHOOK = "/api/v1/payments/webhooks/stripe";

  private final Payments payments;
  private final QueueCommands commands;

  public PaymentApi(Payments payments, QueueCommands commands) {
    this.payments = payments;
    this.commands = commands;
  }

  /** The OpenAPI operations this class answers. */
  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("getCopay", enabled(rc -> QueueApi.respond(rc, 200, payments.copay(entry(rc)))));
    ops.put("putVisitCopay", enabled(this::putVisitCopay));
    ops.put("payCopay", enabled(this::pay));
    ops.put("payCash", enabled(rc -> QueueApi.respond(rc, 201, payments.payCash(entry(rc),
        rc.body().asJsonObject().getLong("amountMinor"), QueueApi.actor(rc)))));
    ops.put("listTodaysPayments", enabled(this::today));
    ops.put("getPayment", enabled(rc -> QueueApi.respond(rc, 200, payments.payment(payment(rc)))));
    ops.put("cancelPayment", enabled(rc -> QueueApi.respond(rc, 200, payments.cancel(payment(rc)))));
    ops.put("refundPayment", enabled(this::refund));
    ops.put("listRefunds", enabled(rc -> QueueApi.respond(rc, 200, payments.refunds(payment(rc)))));
    ops.put("resendReceipt", enabled(rc -> QueueApi.respond(rc, 202, payments.resendReceipt(payment(rc)))));
    ops.put("getReceipt", enabled(rc -> QueueApi.respond(rc, 200, payments.receipt(rc.pathParam("receiptToken")))));
    ops.put("getSitePaymentSettings", enabled(rc -> QueueApi.respond(rc, 200,
        payments.siteSetting(rc.pathParam("siteId")).map(PaymentApi::siteJson))));
    ops.put("putSitePaymentSettings", enabled(this::putSiteSettings));
    ops.put("getQueuePaymentSettings", enabled(rc -> QueueApi.respond(rc, 200,
        payments.queueSetting(rc.pathParam("queueId")).map(PaymentApi::queueJson))));
    ops.put("putQueuePaymentSettings", enabled(this::putQueueSettings));
    ops.put("listCardReaders", enabled(rc -> QueueApi.respond(rc, 200, payments.readers(rc.pathParam("siteId"))
        .map(readers -> new JsonArray(readers.stream().map(PaymentApi::readerJson).toList())))));
    ops.put("putCardReader", enabled(this::putReader));
    ops.put("getReconciliation", enabled(this::reconciliation));
  }

  /**
   * Stripe's webhook, before the static files. The signature covers the raw body: the root body handler keeps it as
   * it came, and it is passed on unparsed. Every delivery is audited (event id, type and what it did; never more of
   * the body), whatever its outcome, like the other calls that move money.
   */
  public void mountWebhooks(Router root, AuditTrail audit) {
    root.post(STRIPE_WEBHOOK).handler(rc -> {
      if (payments == null) {
        Problems.send(rc, 404, "not-found", "Not found", "Payments are not configured on this server.");
        return;
      }
      String payload = rc.body().asString();
      JsonObject detail = webhookDetail(payload);
      rc.addEndHandler(v -> audit.record(rc, "stripeWebhook", rc.response().getStatusCode(), detail));
      payments.stripeWebhook(payload == null ? "" : payload, rc.request().getHeader("Stripe-Signature"))
          .onSuccess(outcome -> {
            detail.put("outcome", outcome);
            rc.json(new JsonObject().put("received", true).put("outcome", outcome));
          })
          .onFailure(err -> {
            // an unsigned, forged, stale or unreadable event is a bad request: Stripe shows it and retries
            if (err instanceof QueueException.Invalid) {
              Problems.send(rc, 400, "bad-request", "Bad request", err.getMessage());
            } else {
              rc.fail(err);
            }
          });
    }).failureHandler(Problems::handle);
  }

  /** What the audit log keeps of a webhook: the event's id and type as sent (unverified until the answer is 200). */
  private static JsonObject webhookDetail(String payload) {
    JsonObject detail = new JsonObject();
    try {
      JsonObject event = payload == null ? null : new JsonObject(payload);
      if (event != null && event.getValue("id") instanceof String id && id.length() <= 100) detail.put("eventId", id);
      if (event != null && event.getValue("type") instanceof String type && type.length() <= 100) {
        detail.put("type", type);
      }
    } catch (RuntimeException notJson) {
      detail.put("unreadable", true);
    }
    return detail;
  }

  private void pay(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    // a kiosk takes cards on its own reader only; staff choose the station
    String station = Caller.of(rc) instanceof Principal.Device ? "kiosk" : in.getString("station", "desk");
    QueueApi.respond(rc, 200, payments.pay(entry(rc), station, in.getString("readerId"), QueueApi.actor(rc)));
  }

  private void putVisitCopay(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    UUID entryId = entry(rc);
    QueueApi.respond(rc, 200, payments.setVisitAmount(entryId, in.getLong("amountMinor"),
        in.getString("source", "desk")).compose(v -> payments.copay(entryId)));
  }

  private void today(RoutingContext rc) {
    String siteId = rc.pathParam("siteId");
    QueueApi.respond(rc, 200, commands.today(siteId, null).compose(entries -> payments.paymentsOfEntries(
        entries.stream().map(Entry::id).toList())));
  }

  private void refund(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    QueueApi.respond(rc, 201, payments.refund(payment(rc), in.getLong("amountMinor"), in.getString("reason"),
        QueueApi.actor(rc)));
  }

  private void putSiteSettings(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    QueueApi.respond(rc, 200, payments.saveSiteSetting(new SiteSetting(rc.pathParam("siteId"),
        in.getString("currency"), in.getBoolean("kioskSkippable", false))).map(PaymentApi::siteJson));
  }

  private void putQueueSettings(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    QueueApi.respond(rc, 200, payments.saveQueueSetting(new QueueSetting(rc.pathParam("queueId"),
        in.getLong("amountMinor"), in.getString("collect"))).map(PaymentApi::queueJson));
  }

  private void putReader(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    QueueApi.respond(rc, 200, payments.saveReader(new Reader(rc.pathParam("readerId"), rc.pathParam("siteId"),
        in.getString("station"), in.getString("label"))).map(PaymentApi::readerJson));
  }

  private void reconciliation(RoutingContext rc) {
    String asked = rc.queryParams().get("day");
    LocalDate day;
    try {
      day = asked == null ? null : LocalDate.parse(asked);
    } catch (DateTimeParseException e) {
      Problems.send(rc, 400, "bad-request", "Bad request", "day must be a date like 2026-11-20.");
      return;
    }
    boolean csv = "csv".equals(rc.queryParams().get("format"));
    String siteId = rc.pathParam("siteId");
    Future<LocalDate> which = day != null ? Future.succeededFuture(day) : commands.site(siteId)
        .map(site -> LocalDate.ofInstant(commands.now(), site.zone())); // today by the node's clock
    which.compose(d -> payments.reconciliation(siteId, d)).onSuccess(report -> {
      if (csv) {
        rc.response().putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"payments-" + report.siteId() + "-"
                + report.day() + ".csv\"")
            .end(report.toCsv());
      } else {
        rc.json(report.toJson());
      }
    }).onFailure(rc::fail);
  }

  private Handler<RoutingContext> enabled(Handler<RoutingContext> h) {
    return rc -> {
      if (payments == null) {
        Problems.send(rc, 404, "not-found", "Not found", "Payments are not configured on this server.");
      } else {
        h.handle(rc);
      }
    };
  }

  private static UUID entry(RoutingContext rc) {
    return UUID.fromString(rc.pathParam("entryId"));
  }

  private static UUID payment(RoutingContext rc) {
    return UUID.fromString(rc.pathParam("paymentId"));
  }

  static JsonObject siteJson(SiteSetting s) {
    return new JsonObject().put("currency", s.currency()).put("kioskSkippable", s.kioskSkippable());
  }

  static JsonObject queueJson(QueueSetting s) {
    return new JsonObject().put("amountMinor", s.amountMinor()).put("collect", s.collect());
  }

  static JsonObject readerJson(Reader r) {
    return new JsonObject().put("readerId", r.readerId()).put("station", r.station()).put("label", r.label());
  }
}
