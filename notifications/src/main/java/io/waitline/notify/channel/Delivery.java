package io.waitline.notify.channel;

import java.util.List;

/**
 * A provider accepted the message.
 *
 * @param providerRef the provider's id for it (Twilio SID, FCM message name, SMTP Message-ID)
 * @param deadAddresses device tokens or subscriptions the provider reported gone while sending; to be removed
 */
public record Delivery(String providerRef, List<String> deadAddresses) {
  public Delivery {
    deadAddresses = deadAddresses == null ? List.of() : List.copyOf(deadAddresses);
  }
}
