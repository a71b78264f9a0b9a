package io.waitline.pay.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.pay.Money;
import io.waitline.pay.PaymentState;
import io.waitline.pay.processor.Payout;
import io.waitline.pay.processor.Settlement;
import io.waitline.pay.store.PaymentRow;
import io.waitline.pay.store.RefundRow;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One site's day: every payment and refund Waitline recorded next to what the processor booked (its balance
 * transactions), the payouts that reached the bank that day with what they paid out, and every mismatch as a
 * sentence a manager can act on. A pure function of its inputs.
 *
 * @param lines one per recorded payment, refund, unmatched processor booking or payout, in time order
 * @param mismatches sentences, empty when everything matches
 * @param paidOutMinor what the day's payouts brought to the bank (failed ones left out)
 */
public record Reconciliation(String siteId, LocalDate day, String currency, List<Line> lines,
    List<String> mismatches, long cardMinor, long cashMinor, long refundedMinor, long processorNetMinor,
    long paidOutMinor) {

  /**
   * @param recordedMinor what Waitline recorded (negative for refunds); null for a booking Waitline does not know
   * @param processorMinor what the processor booked; null when it booked nothing
   */
  public record Line(Instant at, String kind, String ticket, String method, String state, Long recordedMinor,
      Long processorMinor, String reference, String note) {}

  /**
   * @param settlements the processor's bookings in the day's window
   * @param payouts the payouts arriving in the day's window
   * @param otherSites processor references that belong to payments of other sites (not this site's mismatch)
   * @param thisSite processor references of this site's payments and refunds, of any day (what payouts pay out)
   */
  public static Reconciliation of(String siteId, LocalDate day, Instant from, Instant to, String currency,
      String language, List<PaymentRow> payments, List<RefundRow> refunds, List<Settlement> settlements,
      List<Payout> payouts, Set<String> otherSites, Set<String> thisSite) {
    Map<String, Settlement> bySource = new HashMap<>();
    settlements.forEach(s -> bySource.put(s.sourceRef(), s));
    Set<String> matched = new HashSet<>();
    Map<java.util.UUID, PaymentRow> paymentById = new HashMap<>();
    payments.forEach(p -> paymentById.put(p.id(), p));
    List<Line> lines = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    long card = 0;
    long cash = 0;
    long refunded = 0;

    for (PaymentRow p : payments) {
      String who = "Ticket " + p.ticket() + " (" + Money.format(p.amountMinor(), p.currency(), language) + ")";
      boolean paidToday = p.paidAt() != null && !p.paidAt().isBefore(from) && p.paidAt().isBefore(to);
      if (p.method().equals("cash")) {
        if (paidToday) {
          cash += p.capturedMinor();
          lines.add(new Line(p.paidAt(), "payment", p.ticket(), "cash", p.state().wire(), p.capturedMinor(), null,
              null, "cash: not at the processor"));
        }
        continue;
      }
      if (p.state() == PaymentState.UNKNOWN || p.state() == PaymentState.PROCESSING
          || p.state() == PaymentState.AUTHORIZED) {
        mismatches.add(who + " is still " + p.state().wire() + ": the processor's answer has not been recorded yet.");
        lines.add(new Line(p.createdAt(), "payment", p.ticket(), "card", p.state().wire(), null, null,
            p.intentRef(), "unresolved"));
        continue;
      }
      if (!paidToday) continue;
      card += p.capturedMinor();
      Settlement s = p.chargeRef() == null ? null : bySource.get(p.chargeRef());
      if (s == null) {
        mismatches.add(who + " is recorded as paid by card, but the processor booked no charge for it"
            + (p.chargeRef() == null ? "." : " (" + p.chargeRef() + ")."));
      } else {
        matched.add(s.sourceRef());
        if (s.amountMinor() != p.capturedMinor()) {
          mismatches.add(who + ": Waitline recorded " + Money.format(p.capturedMinor(), p.currency(), language)
              + " but the processor booked " + Money.format(s.amountMinor(), s.currency(), language) + " ("
              + s.sourceRef() + ").");
        }
      }
      lines.add(new Line(p.paidAt(), "payment", p.ticket(), "card", p.state().wire(), p.capturedMinor(),
          s == null ? null : s.amountMinor(), p.chargeRef(), cardNote(p)));
    }

    for (RefundRow r : refunds) {
      PaymentRow p = paymentById.get(r.paymentId());
      if (p == null || r.updatedAt().isBefore(from) || !r.updatedAt().isBefore(to)) continue;
      String what = "The refund of " + Money.format(r.amountMinor(), p.currency(), language) + " for ticket "
          + p.ticket();
      if (r.state().equals("pending") || r.state().equals("unknown")) {
        mismatches.add(what + " is still " + r.state() + ": the processor's answer has not been recorded yet.");
      }
      if (!r.state().equals("succeeded")) {
        lines.add(new Line(r.updatedAt(), "refund", p.ticket(), p.method(), r.state(), null, null, r.refundRef(),
            r.failure()));
        continue;
      }
      refunded += r.amountMinor();
      if (p.method().equals("cash")) {
        lines.add(new Line(r.updatedAt(), "refund", p.ticket(), "cash", r.state(), -r.amountMinor(), null, null,
            "cash: not at the processor"));
        continue;
      }
      Settlement s = r.refundRef() == null ? null : bySource.get(r.refundRef());
      if (s == null) {
        mismatches.add(what + " is recorded as made, but the processor booked no refund for it.");
      } else {
        matched.add(s.sourceRef());
        if (-s.amountMinor() != r.amountMinor()) {
          mismatches.add(what + " was booked by the processor as " + Money.format(-s.amountMinor(), s.currency(),
              language) + ".");
        }
      }
      lines.add(new Line(r.updatedAt(), "refund", p.ticket(), "card", r.state(), -r.amountMinor(),
          s == null ? null : s.amountMinor(), r.refundRef(), r.reason()));
    }

    long net = 0;
    for (Settlement s : settlements) {
      if (otherSites.contains(s.sourceRef())) continue;
      net += s.amountMinor();
      if (matched.contains(s.sourceRef())) continue;
      mismatches.add("The processor booked a " + s.kind() + " of " + Money.format(Math.abs(s.amountMinor()),
          s.currency(), language) + " (" + s.sourceRef() + ") that Waitline has no record of.");
      lines.add(new Line(s.at(), s.kind(), null, "card", null, null, s.amountMinor(), s.sourceRef(),
          "not recorded by Waitline"));
    }
    long paidOut = 0;
    for (Payout po : payouts) {
      String payout = "The payout " + po.ref() + " of " + Money.format(po.amountMinor(), po.currency(), language);
      if (po.failed()) {
        mismatches.add(payout + " " + po.status() + " at the processor: the money did not reach the bank account.");
      } else {
        paidOut += po.amountMinor();
      }
      long share = 0;
      long fees = 0;
      int ours = 0;
      for (Settlement s : po.bookings()) {
        fees += s.feeMinor();
        if (thisSite.contains(s.sourceRef())) {
          ours++;
          share += s.amountMinor();
        } else if (!otherSites.contains(s.sourceRef())) {
          mismatches.add(payout + " pays out a " + s.kind() + " of " + Money.format(Math.abs(s.amountMinor()),
              s.currency(), language) + " (" + s.sourceRef() + ") that Waitline has no record of.");
        }
      }
      lines.add(new Line(po.arrivalAt(), "payout", null, "card", po.status(), share, po.amountMinor(), po.ref(),
          po.bookings().size() + " bookings, " + ours + " of this site; fees "
              + Money.format(fees, po.currency(), language)));
    }
    lines.sort((a, b) -> a.at().compareTo(b.at()));
    return new Reconciliation(siteId, day, currency, List.copyOf(lines), List.copyOf(mismatches), card, cash,
        refunded, net, paidOut);
  }

  private static String cardNote(PaymentRow p) {
    return p.cardBrand() == null ? "" : p.cardBrand() + " ending " + p.cardLast4();
  }

  public JsonObject toJson() {
    JsonArray rows = new JsonArray();
    for (Line l : lines) {
      rows.add(new JsonObject().put("at", l.at().toString()).put("kind", l.kind()).put("ticket", l.ticket())
          .put("method", l.method()).put("state", l.state()).put("recordedMinor", l.recordedMinor())
          .put("processorMinor", l.processorMinor()).put("reference", l.reference()).put("note", l.note()));
    }
    return new JsonObject().put("siteId", siteId).put("day", day.toString()).put("currency", currency)
        .put("cardMinor", cardMinor).put("cashMinor", cashMinor).put("refundedMinor", refundedMinor)
        .put("processorNetMinor", processorNetMinor).put("paidOutMinor", paidOutMinor)
        .put("matches", mismatches.isEmpty())
        .put("mismatches", new JsonArray(mismatches)).put("lines", rows);
  }

  /** The report as CSV (RFC 4180): one row per line, then one row per mismatch. */
  public String toCsv() {
    StringBuilder out = new StringBuilder("at,kind,ticket,method,state,recorded_minor,processor_minor,currency,"
        + "reference,note\r\n");
    for (Line l : lines) {
      out.append(String.join(",", csv(l.at().toString()), csv(l.kind()), csv(l.ticket()), csv(l.method()),
          csv(l.state()), csv(l.recordedMinor()), csv(l.processorMinor()), csv(currency), csv(l.reference()),
          csv(l.note()))).append("\r\n");
    }
    for (String m : mismatches) {
      out.append(",mismatch,,,,,,").append(csv(currency)).append(",,").append(csv(m)).append("\r\n");
    }
    return out.toString();
  }

  private static String csv(Object value) {
    if (value == null) return "";
    String s = value.toString();
    // a leading = + - @ would make a spreadsheet run it as a formula
    if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !(value instanceof Number)) s = "'" + s;
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      s = "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
