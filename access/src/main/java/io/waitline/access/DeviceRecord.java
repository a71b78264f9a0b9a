package io.waitline.access;

import java.time.Instant;
import java.util.UUID;

/** An enrolled display or kiosk as admins see it. */
public record DeviceRecord(UUID id, String siteId, DeviceKind kind, String name, Instant createdAt,
    Instant lastSeenAt, Instant revokedAt) {
}
