package io.waitline.pay.processor;

import java.time.Instant;
import java.util.List;

/**
 * Money the processor sends to the clinic's bank account, with the bookings it pays out.
 *
 * @param amountMinor what reaches the bank: the bookings' amounts less the processor's fees
 * @param status as the processor says: {@code paid}, {@code pending}, {@code in_transit}, {@code canceled} or
 *     {@code failed}
 * @param bookings the charges and refunds it pays out (fees and other kinds of booking are left out)
 */
public record Payout(String ref, long amountMinor, String currency, Instant arrivalAt, String status,
    List<Settlement> bookings) {

  public Payout {
    bookings = List.copyOf(bookings);
  }

  /** True when the money did not reach the bank account. */
  public boolean failed() {
    return status.equals("failed") || status.equals("canceled");
  }
}
