package io.waitline.pay.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sample data written by other projects, read in place from the workspace's {@code shared/fixtures}. */
public final class Fixtures {
  private static JsonObject stripeResources;

  private Fixtures() {}

  /** The fixtures folder: the first {@code shared/fixtures} found walking up from the working directory. */
  public static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("fixtures");
      if (Files.isDirectory(candidate)) return candidate;
    }
    throw new IllegalStateException("no shared/fixtures above " + Path.of("").toAbsolutePath());
  }

  /**
   * A fresh copy of stripe-mock's canonical example object for a resource (stripe/openapi fixtures3.json), e.g.
   * {@code payment_intent}, {@code charge}, {@code refund}, {@code terminal.reader}, {@code balance_transaction}.
   */
  public static synchronized JsonObject stripe(String resource) {
    if (stripeResources == null) {
      try {
        stripeResources = new JsonObject(Files.readString(root().resolve("stripe/stripe-openapi_fixtures3.json")))
            .getJsonObject("resources");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    JsonObject template = stripeResources.getJsonObject(resource);
    if (template == null) throw new IllegalArgumentException("no Stripe fixture for " + resource);
    return template.copy();
  }
}
