package io.waitline.pay;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/** Amounts are integers in minor units everywhere; this turns one into words for a person, e.g. "€20.00". */
public final class Money {
  /** The largest amount in minor units Waitline records (a million in a two-decimal currency). */
  public static final long MAX_MINOR = 100_000_000L;

  private Money() {}

  public static String format(long minor, String currency, String language) {
    Currency c = Currency.getInstance(currency.toUpperCase(Locale.ROOT));
    NumberFormat f = NumberFormat.getCurrencyInstance(Locale.forLanguageTag(language == null ? "en" : language));
    f.setCurrency(c);
    int digits = Math.max(0, c.getDefaultFractionDigits());
    f.setMinimumFractionDigits(digits);
    f.setMaximumFractionDigits(digits);
    return f.format(BigDecimal.valueOf(minor, digits));
  }

  /**
   * A major-unit amount (20.50) in minor units (2050) of {@code currency}, or a failure with a sentence: an amount
   * with more decimals than the currency has (20.005 euros) cannot be charged as it was written.
   */
  public static long toMinor(BigDecimal amount, String currency) {
    int digits = Math.max(0, Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits());
    BigDecimal minor = amount.movePointRight(digits);
    if (minor.signum() < 0) throw new IllegalArgumentException("The co-pay cannot be negative.");
    if (minor.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("The co-pay " + amount.toPlainString() + " " + currency.toUpperCase(Locale.ROOT)
          + " has more decimals than the currency has (" + digits + ").");
    }
    if (minor.compareTo(BigDecimal.valueOf(MAX_MINOR)) > 0) {
      throw new IllegalArgumentException("The co-pay " + amount.toPlainString() + " " + currency.toUpperCase(Locale.ROOT)
          + " is larger than any co-pay Waitline takes.");
    }
    return minor.longValueExact();
  }

  /** True for an ISO 4217 code Java knows, in lower case as processors write it. */
  public static boolean isCurrency(String code) {
    if (code == null || !code.matches("[a-z]{3}")) return false;
    try {
      Currency.getInstance(code.toUpperCase(Locale.ROOT));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
