package io.waitline.pay;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/** Amounts are integers in minor units everywhere; this turns one into words for a person, e.g. "€20.00". */
public final class Money {
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
