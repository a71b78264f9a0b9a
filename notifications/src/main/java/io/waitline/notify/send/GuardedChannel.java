package io.waitline.notify.send;

import io.waitline.notify.channel.ChannelGuard;
import io.waitline.notify.channel.NotificationChannel;

/** A configured channel with its resilience4j guard. */
public record GuardedChannel(NotificationChannel channel, ChannelGuard guard) {}
