package dev.icssync;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>Built with {@link #builder(String, String)}. Still a record: its canonical constructor is
 * public, so a new field will come with the old constructor kept as an overload.
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

  /**
   * An active feed with the default interval and priority 0.
   *
   * @deprecated five positional strings, id before tenant, unlike every other call of the library
   *     ({@code syncFeed(tenant, feedId)}): use {@link #builder(String, String)}
   */
  @Deprecated
  public static Feed of(String id, String tenant, String property, String source, String url) {
    return new Feed(id, tenant, property, source, url, DEFAULT_POLL_INTERVAL, true, 0);
  }

  /**
   * A builder of the tenant's feed {@code id}, tenant first as everywhere in the library; property,
   * source and url are required, the rest defaults to active, {@link #DEFAULT_POLL_INTERVAL} and
   * priority 0.
   *
   * <pre>{@code
   * Feed feed = Feed.builder("tenant-1", "feed-42")
   *     .property("villa-7").source("airbnb").url("https://www.airbnb.com/calendar/ical/1.ics?s=...")
   *     .build();
   * }</pre>
   */
  public static Builder builder(String tenant, String id) {
    return new Builder(tenant, id);
  }

  /** A builder holding this feed's fields, to change some of them. */
  public Builder toBuilder() {
    return new Builder(tenant, id).property(property).source(source).url(url).pollInterval(pollInterval)
        .active(active).priority(priority);
  }

  /** Builds a {@link Feed}; {@link #build()} validates. */
  public static final class Builder {
    private final String tenant;
    private final String id;
    private @Nullable String property;
    private @Nullable String source;
    private @Nullable String url;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private boolean active = true;
    private int priority;

    private Builder(String tenant, String id) {
      this.tenant = tenant;
      this.id = id;
    }

    /** The property (listing) the feed belongs to. */
    public Builder property(String value) {
      this.property = value;
      return this;
    }

    /** The channel: {@code airbnb}, {@code booking}, {@code vrbo}, ... or any string. */
    public Builder source(String value) {
      this.source = value;
      return this;
    }

    /** The feed URL (http, https, webcal); a secret. */
    public Builder url(String value) {
      this.url = value;
      return this;
    }

    /** How often the feed is fetched (default 15 minutes). */
    public Builder pollInterval(Duration value) {
      this.pollInterval = value;
      return this;
    }

    /** Inactive feeds are never fetched (default active). */
    public Builder active(boolean value) {
      this.active = value;
      return this;
    }

    /** Used by source-priority conflict policies; higher wins (default 0). */
    public Builder priority(int value) {
      this.priority = value;
      return this;
    }

    /** Validates and builds. */
    @SuppressWarnings("NullAway")
    public Feed build() {
      return new Feed(id, tenant, property, source, url, pollInterval, active, priority);
    }
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
