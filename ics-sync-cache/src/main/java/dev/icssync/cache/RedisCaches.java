package dev.icssync.cache;

import dev.icssync.Checks;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.Redaction;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.SyncLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Caches and limits shared by every instance that uses the same Redis and key prefix, through
 * Lettuce (one connection, short timeouts): the tenant limit is an exact sliding-window log (one
 * Lua script on a sorted set per tenant), host politeness a Bucket4j token bucket. Needs {@code
 * io.lettuce:lettuce-core} and {@code com.bucket4j:bucket4j_jdk17-lettuce} on the class path.
 *
 * <pre>{@code
 * RedisCaches redis = RedisCaches.builder("redis://10.0.0.5:6379").keyPrefix("icssync:prod:").build();
 * IcsSync sync = IcsSync.builder()
 *     .exportCache(redis.exportCache())                         // shared, 5 min TTL
 *     .limiter(redis.tenantLimiter(100, Duration.ofHours(1)))   // per tenant, all instances
 *     .fetcher(redis.politeFetcher(HttpFeedFetcher.create(), 2, Duration.ofSeconds(1),
 *         Duration.ofSeconds(5)))
 *     ...
 * }</pre>
 *
 * <p>Redis down or slow: commands time out after {@code commandTimeout} (default 250 ms), then Redis
 * is left alone for {@code coolDown} (default 5 s). Connecting has its own {@code connectTimeout}
 * (default 10 s) and runs in the background, so a first connect slowed by a cold, busy JVM does not
 * degrade the caches for a cool-down: calls take the degraded path until it is done, the one that
 * started it after waiting at most the command timeout. Meanwhile exports are misses (rendered from
 * the store), invalidations are queued and replayed, and limits fall back to in-process limits of the
 * same shape (an exact log per tenant, buckets per host), held per instance: the limiter
 * <em>admits</em> within a per-instance budget rather than refusing, because refusing would stop
 * every sync of every tenant while Redis is away, and stale calendars cost more than a tenant
 * briefly exceeding its budget. Failures are counted in {@code exportCache().stats()}.
 * Nothing is thrown and nothing waits longer than these timeouts. Redis need not be up at start.
 */
public final class RedisCaches implements AutoCloseable {
  /** Default time to live of shared exports. */
  public static final Duration DEFAULT_EXPORT_TTL = Duration.ofMinutes(5);

  private final RedisLink link;
  private final Duration timeout;
  private final Clock clock;
  private final ExportCache exportCache;

  private RedisCaches(Builder b) {
    this.link = new RedisLink(b.uri, b.prefix, b.timeout, b.connectTimeout, b.coolDown, b.clock);
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.exportCache = new RedisExportCache(link, b.exportTtl);
  }

  /**
   * With the defaults: prefix {@code icssync:}, 250 ms command timeout, 10 s connect timeout, 5 s
   * cool-down, 5 min export TTL.
   */
  public static RedisCaches create(String redisUri) {
    return builder(redisUri).build();
  }

  /** {@code redisUri} as Lettuce takes it: {@code redis://[password@]host:port[/db]}. */
  public static Builder builder(String redisUri) {
    return new Builder(redisUri);
  }

  /** The export cache shared through Redis (one per {@code RedisCaches}). */
  public ExportCache exportCache() {
    return exportCache;
  }

  /**
   * A limit of {@code syncs} per {@code per} for each tenant across every instance, as a sliding
   * window: no window of length {@code per} ever admits more than {@code syncs}, and each admission
   * frees its slot exactly {@code per} after it. Default use: {@code tenantLimiter(100,
   * Duration.ofHours(1))}. An exact log in a Redis sorted set, not a token bucket: a bucket of
   * {@code syncs} tokens refilled over {@code per} admits about twice {@code syncs} in some windows
   * (see the module README). Times come from the builder's {@link Builder#clock clock}.
   *
   * @throws ConfigurationException when {@code syncs} or {@code per} is not positive
   */
  public SyncLimiter tenantLimiter(int syncs, Duration per) {
    Checks.positive(syncs, "syncs");
    Checks.positive(per, "per");
    RedisSlidingWindow window = new RedisSlidingWindow(link,
        "rl:tenant:sw:" + syncs + ":" + per.toMillis() + ":", syncs, per, clock);
    return window::tryAcquire;
  }

  /**
   * Wraps a fetcher so that all workers together fetch at most {@code requests} per {@code per}
   * from one host (a Bucket4j token bucket of {@code requests} tokens refilled over {@code per}). A fetch whose turn comes within
   * {@code maxWait} waits for it; otherwise it is not made and reports RATE_LIMITED with a
   * Retry-After of {@code per / requests}.
   *
   * @throws ConfigurationException when {@code requests} or {@code per} is not positive or
   *     {@code maxWait} is negative
   */
  public FeedFetcher politeFetcher(FeedFetcher delegate, int requests, Duration per,
      Duration maxWait) {
    Objects.requireNonNull(delegate, "delegate");
    Checks.positive(requests, "requests");
    Checks.positive(per, "per");
    Checks.nonNegative(maxWait, "maxWait");
    RedisBuckets buckets = new RedisBuckets(link, "rl:host:" + requests + ":" + per.toMillis() + ":",
        requests, per, timeout);
    return new PoliteFetcher(delegate, buckets, maxWait, per.dividedBy(requests));
  }

  /**
   * Wraps a fetcher so that all workers together keep each tenant's feed bytes under
   * {@code bytesPerSecond}: the limit of {@code IcsSync.Builder#tenantBandwidth}, shared through Redis
   * instead of held per instance (leave the engine's own limit at 0 when using this one). A Bucket4j
   * token bucket per tenant, refilled at the rate and saving nothing up: a fetch waits while its
   * tenant's bucket is in debt, then its body's bytes are taken, into debt. So a tenant's fetches slow
   * down to the rate across every worker and none fails for it; in any stretch of time the tenant
   * fetches at most the rate's bytes plus the bodies already under way, one per fetching thread of all
   * workers. A 304 or a failure takes nothing. While Redis is unreachable each instance keeps the
   * limit on its own.
   *
   * <pre>{@code
   * FeedFetcher fetcher = redis.tenantBandwidth(HttpFeedFetcher.create(), 10_000_000); // 10 MB/s a tenant
   * }</pre>
   *
   * @throws ConfigurationException when {@code bytesPerSecond} is not positive
   */
  public FeedFetcher tenantBandwidth(FeedFetcher delegate, long bytesPerSecond) {
    Objects.requireNonNull(delegate, "delegate");
    Checks.positive(bytesPerSecond, "bytesPerSecond");
    RedisBuckets buckets = new RedisBuckets(link, "bw:tenant:" + bytesPerSecond + ":", 1, bytesPerSecond,
        Duration.ofSeconds(1), timeout);
    return new SharedTenantBandwidth(delegate, buckets);
  }

  /** True when Redis answered the last attempt (may try to connect now). */
  public boolean isAvailable() {
    return link.isAvailable();
  }

  /** Closes the connection; the caches then behave as when Redis is down. */
  @Override
  public void close() {
    link.close();
  }

  /** Builder of {@link RedisCaches}. */
  public static final class Builder {
    private final String uri;
    private String prefix = "icssync:";
    private Duration timeout = Duration.ofMillis(250);
    // Lettuce's own default. A first connect on a cold JVM took 7.6 s on a 2-core machine at load
    // 26; no caller waits for a connect longer than the command timeout, so generous costs little
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration coolDown = Duration.ofSeconds(5);
    private Duration exportTtl = DEFAULT_EXPORT_TTL;
    private Clock clock = Clock.systemUTC();

    private Builder(String uri) {
      this.uri = Objects.requireNonNull(uri, "redisUri");
    }

    /** Prefix of every key and channel (default {@code icssync:}); one per deployment. */
    public Builder keyPrefix(String value) {
      this.prefix = Objects.requireNonNull(value, "keyPrefix");
      return this;
    }

    /** How long one Redis command may take before the caches degrade (default 250 ms). */
    public Builder commandTimeout(Duration value) {
      this.timeout = Objects.requireNonNull(value, "commandTimeout");
      return this;
    }

    /**
     * How long connecting may take: the TCP connect and the Redis handshake (default 10 s). Kept
     * apart from the command timeout because a first connect on a cold, busy JVM is slower than any
     * command, and a connect that fails degrades the caches for a whole cool-down. Connects run in
     * the background: no call waits for one longer than the command timeout.
     */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
      return this;
    }

    /** How long Redis is left alone after a failure (default 5 s). */
    public Builder coolDown(Duration value) {
      this.coolDown = Objects.requireNonNull(value, "coolDown");
      return this;
    }

    /** Time to live of shared exports (default 5 min). */
    public Builder exportTtl(Duration value) {
      this.exportTtl = Objects.requireNonNull(value, "exportTtl");
      return this;
    }

    /** Clock of the tenant limiter's windows and of the cool-down (default: system UTC). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Validates every setting (a message naming the parameter) and builds.
     *
     * @throws ConfigurationException naming the setting, when one is out of range or blank, or the
     *     URI is not a Redis URI
     */
    public RedisCaches build() {
      Checks.nonBlank(uri, "redisUri");
      Checks.nonBlank(prefix, "keyPrefix");
      Checks.positive(timeout, "commandTimeout");
      Checks.positive(connectTimeout, "connectTimeout");
      Checks.nonNegative(coolDown, "coolDown");
      Checks.positive(exportTtl, "exportTtl");
      try {
        io.lettuce.core.RedisURI.create(uri); // fail fast on a malformed URI
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("redisUri is not a Redis URI: " + Redaction.url(uri));
      }
      return new RedisCaches(this);
    }
  }
}
