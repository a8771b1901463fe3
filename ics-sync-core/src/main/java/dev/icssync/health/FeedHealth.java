package dev.icssync.health;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The health of one feed at one instant. Carries no URL: safe to log and to serve.
 *
 * <p>Still a record: the health of one feed. Its constructor is public, so a new component will come
 * with the old constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param tenant tenant
 * @param feedId feed
 * @param property property of the feed
 * @param source channel of the feed
 * @param status the computed status
 * @param lastSuccess when the feed last synced successfully, or null if never
 * @param consecutiveFailures failed syncs in a row
 * @param detail why the status is what it is ("no success for PT48M, bound PT45M")
 */
public record FeedHealth(
    String tenant,
    String feedId,
    String property,
    String source,
    HealthStatus status,
    @Nullable Instant lastSuccess,
    int consecutiveFailures,
    String detail) {

  public FeedHealth {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    Objects.requireNonNull(property, "property");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }
}
