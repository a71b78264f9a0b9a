package io.waitline.notify.channel;

/** What a provider says about a message whose outcome was unknown. */
public sealed interface Lookup {
  /** The provider has it; {@code failed} when it reports the message failed or was undelivered. */
  record Found(String providerRef, boolean failed) implements Lookup {}

  /** The provider has no such message: it never left. */
  record NotFound() implements Lookup {}
}
