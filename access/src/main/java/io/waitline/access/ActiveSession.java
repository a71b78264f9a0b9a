package io.waitline.access;

import java.time.Instant;
import java.util.UUID;

/**
 * A session found by its token: {@code id} is the stored token hash (safe to log), {@code accountId} is null for
 * identity-provider (OIDC) sessions.
 */
public record ActiveSession(String id, Principal.Staff principal, String csrfToken, Instant expiresAt,
    UUID accountId) {
}
