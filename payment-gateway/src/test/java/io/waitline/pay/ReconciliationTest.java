package io.waitline.pay;

import static io.waitline.pay.support.PaymentWorld.DAY;
import static io.waitline.pay.support.PaymentWorld.KIOSK_READER;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.pay.report.Reconciliation;
import io.waitline.pay.support.LocalStripe.Fault;
import io.waitline.pay.support.PaymentWorld;
import io.waitline.queue.Entry;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The end-of-day report: what Waitline recorded next to Stripe's balance transactions, mismatches as sentences. */
class ReconciliationTest {
  @RegisterExtension
  final PaymentWorld w = PaymentWorld.start();

  @Test
  void aDayWhereEverythingMatchesHasNoMismatchAndTotalsAddUp() {
    Entry a = w.checkIn();
    Entry b = w.checkIn();
    Entry c = w.checkIn();
    w.paidByCard(a);
    JsonObject refunded = w.paidByCard(b);
    w.get(w.payments.refund(w.id(refunded), 500, "Overcharged", "manager:mo"));
    w.get(w.payments.payCash(c.id(), null, "desk:ann"));

    Reconciliation r = w.get(w.payments.reconciliation("main", DAY));

    assertThat(r.mismatches()).isEmpty();
    assertThat(r.cardMinor()).isEqualTo(4000);
    assertThat(r.cashMinor()).isEqualTo(2000);
    assertThat(r.refundedMinor()).isEqualTo(500);
    assertThat(r.processorNetMinor()).isEqualTo(3500);
    assertThat(r.lines()).extracting(Reconciliation.Line::kind)
        .containsExactlyInAnyOrder("payment", "payment", "payment", "refund");
    assertThat(r.lines()).filteredOn(l -> l.method().equals("card") && l.kind().equals("payment"))
        .allMatch(l -> l.recordedMinor().equals(l.processorMinor()));
  }

  @Test
  void everyMismatchIsASentence() {
    Entry a = w.checkIn();
    Entry b = w.checkIn();
    Entry c = w.checkIn();
    JsonObject lost = w.paidByCard(a);
    w.rows("UPDATE payment SET charge_ref = 'ch_not_at_stripe' WHERE id = $1", w.id(lost));
    JsonObject differs = w.paidByCard(b);
    w.rows("UPDATE payment SET captured_minor = 2500, amount_minor = 2500 WHERE id = $1", w.id(differs));
    JsonObject p = w.get(w.payments.pay(c.id(), "kiosk", null, "kiosk"));
    w.tapCard(KIOSK_READER);
    w.stripe.fault("POST", "/v1/payment_intents/[^/]+/capture", Fault.HANG);
    w.get(w.payments.payment(w.id(p)));
    w.stripe.bookForeignCharge(4200, "eur");

    Reconciliation r = w.get(w.payments.reconciliation("main", DAY));

    String foreign = w.stripe.charges().get(w.stripe.charges().size() - 1).getString("id");
    String stripeCharge = w.stripe.charges().get(1).getString("id");
    assertThat(r.mismatches()).containsExactlyInAnyOrder(
        "Ticket A-001 (€20.00) is recorded as paid by card, but the processor booked no charge for it"
            + " (ch_not_at_stripe).",
        "Ticket A-002 (€25.00): Waitline recorded €25.00 but the processor booked €20.00 (" + stripeCharge + ").",
        "Ticket A-003 (€20.00) is still unknown: the processor's answer has not been recorded yet.",
        "The processor booked a charge of €20.00 (" + w.stripe.charges().get(0).getString("id")
            + ") that Waitline has no record of.",
        "The processor booked a charge of €42.00 (" + foreign + ") that Waitline has no record of.");
  }

  @Test
  void theCsvExportHasAHeaderOneRowPerLineAndNeutralisesFormulas() {
    Entry a = w.checkIn();
    JsonObject p = w.paidByCard(a);
    w.get(w.payments.refund(w.id(p), 500, "=HYPERLINK(\"http://evil\")", "manager:mo"));
    w.clock.advance(Duration.ofMinutes(1));

    String csv = w.get(w.payments.reconciliation("main", DAY)).toCsv();

    String[] rows = csv.split("\r\n");
    assertThat(rows[0]).isEqualTo("at,kind,ticket,method,state,recorded_minor,processor_minor,currency,reference,note");
    assertThat(rows).hasSize(3);
    assertThat(rows[1]).contains(",payment,A-001,card,succeeded,2000,2000,eur,ch_");
    assertThat(rows[2]).contains(",refund,A-001,card,succeeded,-500,-500,eur,re_")
        .endsWith(",\"'=HYPERLINK(\"\"http://evil\"\")\"");
  }

  @Test
  void aPaymentOfAnotherDayIsNotInTodaysReport() {
    w.paidByCard(w.checkIn());
    assertThat(w.get(w.payments.reconciliation("main", DAY.plusDays(1))).lines()).isEmpty();
    assertThat(w.get(w.payments.reconciliation("main", DAY.minusDays(1))).lines()).isEmpty();
  }

  @Test
  void aPayoutArrivingThatDayIsListedWithThisSitesShareAndWhatItPaysOutThatNobodyRecorded() {
    w.paidByCard(w.checkIn());
    JsonObject refunded = w.paidByCard(w.checkIn());
    w.get(w.payments.refund(w.id(refunded), 500, "Overcharged", "manager:mo"));
    w.stripe.bookForeignCharge(4200, "eur");
    String foreign = w.stripe.charges().get(w.stripe.charges().size() - 1).getString("id");
    // Stripe pays the day's bookings out the next morning, 10:00 in Paris
    String payout = w.stripe.payOut(DAY.plusDays(1).atTime(10, 0).atZone(ZoneId.of("Europe/Paris")).toInstant(),
        "paid");

    Reconciliation r = w.get(w.payments.reconciliation("main", DAY.plusDays(1)));

    // net of the local Stripe's fees (2.7% + 5 cents a charge): 1941 + 1941 - 500 + 4082
    assertThat(r.paidOutMinor()).isEqualTo(7464);
    assertThat(r.lines()).singleElement().satisfies(l -> {
      assertThat(l.kind()).isEqualTo("payout");
      assertThat(l.reference()).isEqualTo(payout);
      assertThat(l.state()).isEqualTo("paid");
      assertThat(l.recordedMinor()).as("this site's share: two charges less a refund").isEqualTo(3500);
      assertThat(l.processorMinor()).isEqualTo(7464);
      assertThat(l.note()).isEqualTo("4 bookings, 3 of this site; fees €2.36");
    });
    assertThat(r.mismatches()).containsExactly("The payout " + payout + " of €74.64 pays out a charge of €42.00 ("
        + foreign + ") that Waitline has no record of.");
    assertThat(w.get(w.payments.reconciliation("main", DAY)).lines()).noneMatch(l -> l.kind().equals("payout"));
  }

  @Test
  void aFailedPayoutIsAMismatchAndNotCountedAsPaidOut() {
    w.paidByCard(w.checkIn());
    String payout = w.stripe.payOut(DAY.plusDays(1).atTime(10, 0).atZone(ZoneId.of("Europe/Paris")).toInstant(),
        "failed");

    Reconciliation r = w.get(w.payments.reconciliation("main", DAY.plusDays(1)));

    assertThat(r.paidOutMinor()).isZero();
    assertThat(r.mismatches()).containsExactly("The payout " + payout
        + " of €19.41 failed at the processor: the money did not reach the bank account.");
    assertThat(r.toJson().getLong("paidOutMinor")).isZero();
  }
}
