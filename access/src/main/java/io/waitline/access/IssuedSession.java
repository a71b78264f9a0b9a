package io.waitline.access;

import java.time.Instant;

/** A freshly opened session: the bearer/cookie token (shown once, only its hash is stored) and its CSRF token. */
public record IssuedSession(String token, String csrfToken, Instant expiresAt, Principal.Staff principal) {
}
