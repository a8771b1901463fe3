package dev.icssync.examples.host;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.PropertySettings;
import dev.icssync.cache.RedisCaches;
import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.ExportHttpServer;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.scheduler.FeedSyncScheduler;
import dev.icssync.spi.ConflictPolicy;
import dev.icssync.spi.FeedFetcher;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * A small host application: PostgreSQL through a HikariCP pool, the JDBC store, the HTTP fetcher,
 * Redis for the export cache, per-tenant sync limits and per-host politeness shared by every
 * instance, the persistent scheduler (run as many copies as you like against one database and one
 * Redis: they share the feeds) and the export endpoint on the JDK's HTTP server. Redis need not be up:
 * while it is away exports are rendered from the store and limits fall back to in-process ones.
 *
 * <pre>{@code
 * ICSSYNC_DB_URL=jdbc:postgresql://127.0.0.1:5432/test ICSSYNC_DB_USER=postgres \
 *   java -cp examples.jar dev.icssync.examples.host.HostApplication
 * }</pre>
 */
public final class HostApplication implements AutoCloseable {

  /**
   * What the host is told.
   *
   * @param jdbcUrl PostgreSQL (or H2) URL
   * @param user database user
   * @param password database password
   * @param exportAddress where the export endpoint listens
   * @param allowedHosts hosts the SSRF guard lets through (loopback in tests; empty in production)
   * @param schedulerThreads feeds this worker syncs at once
   * @param redisUri {@code redis://host:port}, or null to run without Redis
   * @param redisKeyPrefix prefix of every Redis key of this deployment
   */
  public record Config(String jdbcUrl, String user, String password, InetSocketAddress exportAddress,
      List<String> allowedHosts, int schedulerThreads, @Nullable String redisUri, String redisKeyPrefix) {
    public Config {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(exportAddress, "exportAddress");
      allowedHosts = List.copyOf(allowedHosts);
      Objects.requireNonNull(redisKeyPrefix, "redisKeyPrefix");
      if (schedulerThreads <= 0) {
        throw new IllegalArgumentException("schedulerThreads must be positive, was " + schedulerThreads);
      }
    }
  }

  private final HikariDataSource dataSource;
  private final JdbcStore store;
  private final HttpFeedFetcher fetcher;
  private final IcsSync sync;
  private final FeedSyncScheduler scheduler;
  private final ExportHttpServer exports;
  private final @Nullable RedisCaches redis;

  private HostApplication(HikariDataSource dataSource, JdbcStore store, HttpFeedFetcher fetcher, IcsSync sync,
      FeedSyncScheduler scheduler, ExportHttpServer exports, @Nullable RedisCaches redis) {
    this.dataSource = dataSource;
    this.store = store;
    this.fetcher = fetcher;
    this.sync = sync;
    this.scheduler = scheduler;
    this.exports = exports;
    this.redis = redis;
  }

  /** Wires everything and starts the scheduler and the export server. */
  public static HostApplication start(Config config) {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(config.jdbcUrl());
    pool.setUsername(config.user());
    pool.setPassword(config.password());
    pool.setMaximumPoolSize(config.schedulerThreads() + 4);
    pool.setPoolName("ics-sync-host");
    // a database that accepts connections and never answers fails in seconds, not never (README)
    pool.setConnectionTimeout(10_000);
    pool.addDataSourceProperty("connectTimeout", "5");
    pool.addDataSourceProperty("loginTimeout", "10");
    pool.addDataSourceProperty("socketTimeout", "60");
    HikariDataSource dataSource = new HikariDataSource(pool);

    JdbcStore.migrate(dataSource);
    JdbcStore store = JdbcStore.create(dataSource);
    HttpFeedFetcher.Builder fetcherBuilder = HttpFeedFetcher.builder().timeout(Duration.ofSeconds(30));
    config.allowedHosts().forEach(fetcherBuilder::allowHost);
    HttpFeedFetcher fetcher = fetcherBuilder.build();
    IcsSync.Builder builder = IcsSync.builder()
        .store(store)
        .conflictPolicy(ConflictPolicy.sourcePriority("direct", "airbnb", "booking"));
    RedisCaches redis = null;
    FeedFetcher fetching = fetcher;
    if (config.redisUri() != null) {
      redis = RedisCaches.builder(config.redisUri()).keyPrefix(config.redisKeyPrefix()).build();
      builder.exportCache(redis.exportCache())                          // one rendered export for all instances
          .limiter(redis.tenantLimiter(100, Duration.ofHours(1)));       // per tenant, across instances
      // at most 2 fetches per second to one channel host, whichever worker makes them
      fetching = redis.politeFetcher(fetcher, 2, Duration.ofSeconds(1), Duration.ofSeconds(5));
    }
    IcsSync sync = builder.fetcher(fetching).build();
    FeedSyncScheduler scheduler = FeedSyncScheduler.builder(dataSource)
        .sync(sync)
        .threads(config.schedulerThreads())
        .start();
    ExportHttpServer exports = ExportHttpServer.start(ExportEndpoint.builder(sync).build(), config.exportAddress(),
        "/export", 4);
    return new HostApplication(dataSource, store, fetcher, sync, scheduler, exports, redis);
  }

  /** Registers a feed; its first sync runs now, then every poll interval, on whichever worker is free. */
  public Feed addFeed(String tenant, String property, String source, String url) {
    String id = source + "-" + Integer.toHexString(url.hashCode());
    Feed feed = Feed.builder(tenant, id).property(property).source(source).url(url).build();
    store.saveFeed(feed);
    if (store.property(tenant, property).isEmpty()) {
      store.saveProperty(PropertySettings.defaults(tenant, property));
    }
    scheduler.enrol(feed);
    return feed;
  }

  /** A secret URL of the property's calendar for one channel (its own events left out). */
  public String exportUrl(String tenant, String property, @Nullable String channel) {
    return exports.baseUri() + sync.exportTokens().create(tenant, property, channel).token() + ".ics";
  }

  public IcsSync sync() {
    return sync;
  }

  @Override
  public void close() {
    exports.close();
    scheduler.close();
    sync.close();
    fetcher.close();
    if (redis != null) {
      redis.close();
    }
    dataSource.close();
  }

  /**
   * Runs until Ctrl-C, configured by ICSSYNC_DB_URL, ICSSYNC_DB_USER, ICSSYNC_DB_PASSWORD,
   * ICSSYNC_PORT and ICSSYNC_REDIS_URI ({@code none} to run without Redis).
   */
  public static void main(String[] args) throws InterruptedException {
    Config config = new Config(
        env("ICSSYNC_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
        env("ICSSYNC_DB_USER", "postgres"),
        env("ICSSYNC_DB_PASSWORD", ""),
        new InetSocketAddress("127.0.0.1", Integer.parseInt(env("ICSSYNC_PORT", "8080"))),
        List.of(), 4, redisUri(env("ICSSYNC_REDIS_URI", "redis://127.0.0.1:6379")), "icssync:");
    CountDownLatch stop = new CountDownLatch(1);
    try (HostApplication app = start(config)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      System.out.println("ics-sync host running; exports at " + app.exports.baseUri() + "<token>.ics");
      stop.await();
    }
  }

  private static @Nullable String redisUri(String value) {
    return value.equals("none") ? null : value;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
