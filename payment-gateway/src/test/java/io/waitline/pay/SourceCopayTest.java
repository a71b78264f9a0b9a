package io.waitline.pay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waitline.pay.support.PaymentWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An appointment source's co-pay for a visit (FHIR Money, major units): taken in the site's currency as minor units,
 * refused with a sentence otherwise, and removed only where that source set it.
 */
class SourceCopayTest {
  private static final String SOURCE = "source:EHR";
  @RegisterExtension
  final PaymentWorld w = PaymentWorld.start();

  private void give(Entry visit, String amount, String currency) {
    w.get(w.pool.withTransaction(c -> w.payments.setSourceAmount(c, PaymentWorld.SITE, visit.id(),
        amount == null ? null : new BigDecimal(amount), currency, SOURCE)));
  }

  private long owed(Entry visit) {
    return w.get(w.payments.copay(visit.id())).getLong("amountMinor");
  }

  @Test
  void theSourcesAmountInTheSitesCurrencyWinsOverTheQueuesAndIsGoneWhenTheSourceDropsIt() {
    Entry visit = w.checkIn();
    assertThat(owed(visit)).as("the queue's co-pay").isEqualTo(2000);

    give(visit, "25.5", "EUR");
    assertThat(owed(visit)).isEqualTo(2550);

    give(visit, null, null);
    assertThat(owed(visit)).isEqualTo(2000);
  }

  @Test
  void anAmountInAnotherCurrencyOrWithTooManyDecimalsIsRefusedWithASentenceAndChangesNothing() {
    Entry visit = w.checkIn();
    give(visit, "18", "eur");

    assertThatThrownBy(() -> give(visit, "20", "USD")).isInstanceOf(QueueException.Invalid.class)
        .hasMessage("The appointment's co-pay is in USD but this site takes EUR.");
    assertThatThrownBy(() -> give(visit, "20.005", "EUR")).isInstanceOf(QueueException.Invalid.class)
        .hasMessage("The co-pay 20.005 EUR has more decimals than the currency has (2).");
    assertThatThrownBy(() -> give(visit, "-1", "EUR")).isInstanceOf(QueueException.Invalid.class)
        .hasMessage("The co-pay cannot be negative.");
    assertThatThrownBy(() -> give(visit, "5000000", "EUR")).isInstanceOf(QueueException.Invalid.class)
        .hasMessage("The co-pay 5000000 EUR is larger than any co-pay Waitline takes.");

    assertThat(owed(visit)).isEqualTo(1800);
  }

  @Test
  void droppingTheSourcesAmountKeepsOneTheDeskSet() {
    Entry visit = w.checkIn();
    w.get(w.payments.setVisitAmount(visit.id(), 1200, "desk"));

    give(visit, null, null);

    assertThat(owed(visit)).isEqualTo(1200);
  }
}
