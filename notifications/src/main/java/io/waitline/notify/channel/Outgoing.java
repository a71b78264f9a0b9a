package io.waitline.notify.channel;

import io.waitline.notify.Kind;
import io.waitline.notify.Message;
import java.util.UUID;

/**
 * One message on its way to one channel. {@code intentId} doubles as the idempotency handle a channel gives the
 * provider or the device (e-mail Message-ID, push collapse key and notification tag, Web Push Topic).
 */
public record Outgoing(UUID intentId, Kind kind, boolean urgent, Message message, Recipient recipient) {}
