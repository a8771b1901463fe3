package dev.icssync;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored export token: only the SHA-256 hash of the secret is kept.
 *
 * <p>Still a record: a stored export token, read and written by the adapters. Its constructor is
 * public, so a new component will come with the old constructor kept as an overload (Java 17 has
 * no record patterns to break).
 *
 * @param hash lower-case hex SHA-256 of the token
 * @param tenant tenant
 * @param property property the token opens
 * @param channel the channel view it opens ({@code airbnb} leaves out Airbnb's own events), or null
 *     for the merged view of every source
 * @param createdAt creation time
 * @param expiresAt end of a rotation grace period, or null for no expiry
 * @param revokedAt when revoked, or null
 */
public record ExportToken(
    String hash,
    String tenant,
    String property,
    @Nullable String channel,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt) {

  public ExportToken {
    Checks.nonBlank(hash, "hash");
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(property, "property");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** True when the token opens its view at {@code now}. */
  public boolean isValidAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  @Override
  public String toString() {
    return "ExportToken[hash=" + hash.substring(0, Math.min(8, hash.length())) + "..., tenant=" + tenant
        + ", property=" + property + ", channel=" + channel + "]";
  }
}
