package io.waitline.notify.store;

import io.waitline.notify.Preferences;
import io.waitline.notify.channel.Recipient.WebPushSubscription;
import java.util.List;

/**
 * What notifications stores about reaching one person for one message.
 *
 * @param siteSettings the site's stored settings, or null for the node's defaults
 * @param smsOptedOut whether the phone number said STOP
 */
public record Reach(SiteSettings siteSettings, Preferences preferences, boolean smsOptedOut, List<String> pushTokens,
    List<WebPushSubscription> webPush) {}
