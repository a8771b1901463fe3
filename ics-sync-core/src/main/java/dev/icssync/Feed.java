package dev.icssync;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A calendar feed of one property from one source (channel).
 *
 * <p>The {@code url} is a secret (channels put access tokens in it): {@link #toString()} redacts it,
 * and so must every log line and error message; use {@link #redactedUrl()}.
 *
 * @param id unique feed id (stable; used in event keys)
 * @param tenant the owning tenant; every query is scoped by it
 * @param property the property (listing) the feed belongs to
 * @param source the channel: {@code airbnb}, {@code booking}, {@code vrbo}, ... or any string
 * @param url the feed URL (http, https, webcal)
 * @param pollInterval how often the feed is fetched
 * @param active inactive feeds are never fetched
 * @param priority used by {@code ConflictPolicy.sourcePriority}-like policies; higher wins
 */
public record Feed(
    String id,
    String tenant,
    String property,
    String source,
    String url,
    Duration pollInterval,
    boolean active,
    int priority) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(15);

  public Feed {
    Checks.nonBlank(id, "id");
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(property, "property");
    Checks.nonBlank(source, "source");
    Checks.nonBlank(url, "url");
    Checks.positive(pollInterval, "pollInterval");
    source = source.trim().toLowerCase(java.util.Locale.ROOT);
  }

  /** An active feed with the default interval and priority 0. */
  public static Feed of(String id, String tenant, String property, String source, String url) {
    return new Feed(id, tenant, property, source, url, DEFAULT_POLL_INTERVAL, true, 0);
  }

  public Feed withUrl(String newUrl) {
    return new Feed(id, tenant, property, source, newUrl, pollInterval, active, priority);
  }

  public Feed withActive(boolean newActive) {
    return new Feed(id, tenant, property, source, url, pollInterval, newActive, priority);
  }

  public Feed withPollInterval(Duration newInterval) {
    return new Feed(id, tenant, property, source, url, newInterval, active, priority);
  }

  /**
   * The URL with user info, query values, fragment and credential-like path segments masked, keeping
   * scheme, host and the shape of the path: safe for logs, reports, errors and output.
   */
  public String redactedUrl() {
    return Redaction.url(url);
  }

  /**
   * The host of the URL in lower case, the key of per-host politeness wherever it is kept (the
   * engine's per-host parallelism, the fetcher's slots, the scheduler's and Redis' spacing); empty
   * when the URL names no host.
   */
  public Optional<String> host() {
    try {
      String h = URI.create(url.trim()).getHost();
      return h == null ? Optional.empty() : Optional.of(h.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "Feed[id=" + id + ", tenant=" + tenant + ", property=" + property + ", source=" + source
        + ", url=" + redactedUrl() + ", pollInterval=" + pollInterval + ", active=" + active
        + ", priority=" + priority + "]";
  }
}
