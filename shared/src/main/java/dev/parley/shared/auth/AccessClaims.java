package dev.parley.shared.auth;

import java.util.UUID;

/** What a verified access token says: which user, acting as which of its devices, until when. */
public record AccessClaims(UUID userId, UUID deviceId, String tokenId, long expiresAtEpochSeconds) {
}
