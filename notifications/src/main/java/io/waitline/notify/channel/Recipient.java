package io.waitline.notify.channel;

import java.util.List;

/**
 * Where one person can be reached. Empty lists and null fields mean "not on that channel".
 *
 * @param pushTokens FCM registration tokens of the patient's app
 * @param webPush browser subscriptions of the patient page
 */
public record Recipient(String phone, String email, List<String> pushTokens, List<WebPushSubscription> webPush) {
  public Recipient {
    pushTokens = pushTokens == null ? List.of() : List.copyOf(pushTokens);
    webPush = webPush == null ? List.of() : List.copyOf(webPush);
  }

  /** A browser's PushSubscription: the push service URL and the keys to encrypt for it (base64url). */
  public record WebPushSubscription(String endpoint, String p256dh, String auth) {}
}
