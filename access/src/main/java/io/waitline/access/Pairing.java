package io.waitline.access;

import java.time.Instant;

/** A one-time pairing code ({@code XXXX-XXXX}) that enrols one device of {@code kind} at {@code siteId}. */
public record Pairing(String code, String siteId, DeviceKind kind, String name, Instant expiresAt) {
}
