package io.waitline.pay;

import java.util.function.Function;

/**
 * Payment settings from the server's configuration source (environment variables or system properties; see
 * docs/payments.md). Without Stripe keys the sandbox terminal takes the payments.
 *
 * @param processor {@code sandbox} (default) or {@code stripe}
 * @param stripeApiBase Stripe's API, or a local server in tests
 */
public record PaymentsConfig(String processor, String stripeSecretKey, String stripeWebhookSecret,
    String stripeApiBase, String publicUrl) {

  public static final String SANDBOX = "sandbox";
  public static final String STRIPE = "stripe";

  /**
   * @param get reads one key, returning null when unset or blank
   */
  public static PaymentsConfig load(Function<String, String> get, String publicUrl) {
    String secret = get.apply("STRIPE_SECRET_KEY");
    String processor = get.apply("PAYMENTS_PROCESSOR");
    if (processor == null) processor = secret != null ? STRIPE : SANDBOX;
    if (!processor.equals(SANDBOX) && !processor.equals(STRIPE)) {
      throw new IllegalArgumentException("PAYMENTS_PROCESSOR must be sandbox or stripe, not '" + processor + "'");
    }
    String webhookSecret = get.apply("STRIPE_WEBHOOK_SECRET");
    if (processor.equals(STRIPE) && (secret == null || webhookSecret == null)) {
      throw new IllegalArgumentException("Stripe payments need STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET");
    }
    if (secret != null && !secret.startsWith("sk_") && !secret.startsWith("rk_")) {
      throw new IllegalArgumentException("STRIPE_SECRET_KEY must be a secret or restricted key (sk_… or rk_…)");
    }
    String base = get.apply("STRIPE_API_BASE");
    return new PaymentsConfig(processor, secret, webhookSecret, base == null ? "https://api.stripe.com" : base,
        publicUrl);
  }
}
