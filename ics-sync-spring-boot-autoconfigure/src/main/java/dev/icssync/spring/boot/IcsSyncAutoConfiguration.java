package dev.icssync.spring.boot;

import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException;
import dev.icssync.SyncConfig;
import dev.icssync.cache.CaffeineCaches;
import dev.icssync.cache.RedisCaches;
import dev.icssync.health.FeedHealthCheck;
import dev.icssync.health.HealthPolicy;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.ConflictPolicy;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.PurgeHook;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncLimiter;
import dev.icssync.spi.SyncListener;
import java.time.Clock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * The engine and what it needs: the JDBC store on the application's {@link DataSource} (its schema
 * migrated on start, after the application's own Flyway or Liquibase), the HTTP fetcher, the
 * caches, {@link IcsSync} and the feed health check. Every bean backs off when
 * the application declares one of its type.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
    "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
    "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration",
    "dev.icssync.spring.boot.IcsSyncMetricsAutoConfiguration"})
@ConditionalOnClass(IcsSync.class)
@EnableConfigurationProperties(IcsSyncProperties.class)
public class IcsSyncAutoConfiguration {

  /** The JDBC store and its schema, on the application's one DataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JdbcStore.class)
  @ConditionalOnSingleCandidate(DataSource.class)
  static class StoreConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "ics-sync.store", name = "migrate", havingValue = "true", matchIfMissing = true)
    @DependsOnDatabaseInitialization
    IcsSyncSchemaMigration icsSyncSchemaMigration(DataSource dataSource, IcsSyncProperties properties) {
      return new IcsSyncSchemaMigration(dataSource, properties.getStore().isRowLevelSecurity());
    }

    @Bean
    @ConditionalOnMissingBean(Store.class)
    JdbcStore icsSyncStore(DataSource dataSource, IcsSyncProperties properties,
        ObjectProvider<IcsSyncSchemaMigration> migration) {
      migration.ifAvailable(m -> { }); // the schema first
      IcsSyncProperties.Store p = properties.getStore();
      return configured("store", () -> JdbcStore.builder(dataSource)
          .rowLevelSecurity(p.isRowLevelSecurity())
          .statementTimeout(p.getStatementTimeout())
          .lockTimeout(p.getLockTimeout())
          .synchronousApplyCommit(p.isSynchronousApplyCommit())
          .build());
    }
  }

  /** The HTTP fetcher with its SSRF guard and allow-list. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HttpFeedFetcher.class)
  static class FetcherConfiguration {

    @Bean
    @ConditionalOnMissingBean(FeedFetcher.class)
    HttpFeedFetcher icsSyncFetcher(IcsSyncProperties properties, ApplicationContext context) {
      IcsSyncProperties.Fetcher p = properties.getFetcher();
      requireHttpCore54(context.getClassLoader());
      return onHttpClient56(() -> configured("fetcher", () -> {
        HttpFeedFetcher.Builder b = HttpFeedFetcher.builder()
            .connectTimeout(p.getConnectTimeout())
            .timeout(p.getTimeout())
            .maxBodyBytes(p.getMaxBodySize().toBytes())
            .maxRedirects(p.getMaxRedirects())
            .maxConcurrentPerHost(p.getMaxConcurrentPerHost())
            .minIntervalPerHost(p.getMinIntervalPerHost())
            .maxQueueWait(p.getMaxQueueWait())
            .maxConnections(p.getMaxConnections())
            .http2(p.isHttp2());
        if (p.getUserAgent() != null) {
          b.userAgent(p.getUserAgent());
        }
        p.getAllowedHosts().forEach(b::allowHost);
        p.getAllowedCidrs().forEach(b::allowCidr);
        return b.build();
      }));
    }

    /**
     * Boot 3.5's BOM pins Apache HttpClient 5.5 and HttpCore 5.3; the fetcher needs 5.6 and 5.4. Say
     * so at start-up, instead of a bare NoSuchMethodError from inside the client's builder or a
     * NoClassDefFoundError on the first reuse of a pooled connection.
     */
    static HttpFeedFetcher onHttpClient56(Supplier<HttpFeedFetcher> build) {
      try {
        return build.get();
      } catch (NoSuchMethodError | NoClassDefFoundError e) {
        throw new IllegalStateException(HTTP_VERSIONS + " (" + e.getMessage() + ")", e);
      }
    }

    static void requireHttpCore54(@Nullable ClassLoader loader) {
      if (!ClassUtils.isPresent("org.apache.hc.core5.http.nio.command.StaleCheckCommand", loader)) {
        throw new IllegalStateException(HTTP_VERSIONS + " (HttpCore 5.4's StaleCheckCommand is missing)");
      }
    }

    private static final String HTTP_VERSIONS = "ics-sync-http needs Apache HttpClient 5.6 and HttpCore 5.4 or"
        + " later (org.apache.httpcomponents.client5:httpclient5, org.apache.httpcomponents.core5:httpcore5);"
        + " Spring Boot 3.5 manages 5.5 and 5.3: set the build properties httpclient5.version to 5.6.5 and"
        + " httpcore5.version to 5.4.4 or later";
  }

  /** Redis shared by every instance, when a URI is set and Lettuce is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.icssync.cache.RedisCaches", "io.lettuce.core.RedisClient",
      "io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager"})
  @ConditionalOnProperty(prefix = "ics-sync.redis", name = "uri")
  static class RedisConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RedisCaches icsSyncRedisCaches(IcsSyncProperties properties) {
      IcsSyncProperties.Redis p = properties.getRedis();
      // the bean exists only when ics-sync.redis.uri is set (@ConditionalOnProperty above)
      String uri = java.util.Objects.requireNonNull(p.getUri(), "ics-sync.redis.uri");
      return configured("redis", () -> RedisCaches.builder(uri)
          .keyPrefix(p.getKeyPrefix())
          .commandTimeout(p.getCommandTimeout())
          .coolDown(p.getCoolDown())
          .exportTtl(p.getExportTtl())
          .build());
    }
  }

  @Bean
  @ConditionalOnMissingBean
  SyncConfig icsSyncConfig(IcsSyncProperties properties) {
    IcsSyncProperties.Sync p = properties.getSync();
    return configured("sync", () -> SyncConfig.builder()
        .massCancelShare(p.getMassCancelShare())
        .quarantineConfirmations(p.getQuarantineConfirmations())
        .parallelism(p.getParallelism())
        .perHostParallelism(p.getPerHostParallelism())
        .windowBack(p.getWindowBack())
        .windowAhead(p.getWindowAhead())
        .defaultZone(p.getDefaultZone())
        .build());
  }

  @Bean
  @ConditionalOnMissingBean
  ConflictPolicy icsSyncConflictPolicy(IcsSyncProperties properties) {
    var priority = properties.getSync().getSourcePriority();
    return priority.isEmpty() ? ConflictPolicy.firstSeenWins()
        : ConflictPolicy.sourcePriority(priority.toArray(String[]::new));
  }

  /**
   * The export cache: Redis when configured, else Caffeine when ics-sync-cache is present and the
   * cache is on, else none.
   */
  @Bean
  @ConditionalOnMissingBean
  ExportCache icsSyncExportCache(IcsSyncProperties properties, ObjectProvider<RedisCaches> redis,
      ApplicationContext context) {
    if (Classes.present(context, "dev.icssync.cache.RedisCaches")) {
      RedisCaches shared = redis.getIfAvailable();
      if (shared != null) {
        return shared.exportCache();
      }
    }
    IcsSyncProperties.Cache p = properties.getCache();
    if (p.isEnabled() && Classes.present(context, "dev.icssync.cache.CaffeineCaches")) {
      return CaffeineCaches.exportCache(p.getExportMaxSize().toBytes(), p.getExportTtl(), Clock.systemUTC());
    }
    return ExportCache.none();
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean({Store.class, FeedFetcher.class})
  IcsSync icsSync(Store store, FeedFetcher fetcher, SyncConfig config, ConflictPolicy conflictPolicy,
      ExportCache exportCache, IcsSyncProperties properties, ObjectProvider<SyncListener> listeners,
      ObjectProvider<ChannelProfile> profiles, ObjectProvider<PurgeHook> purgeHook,
      ObjectProvider<SyncLimiter> limiter, ObjectProvider<RedisCaches> redis, ApplicationContext context) {
    IcsSyncProperties.Cache cache = properties.getCache();
    Store engineStore = store;
    if (cache.isEnabled() && !cache.getPropertyTtl().isZero() && Classes.present(context, "dev.icssync.cache.CaffeineCaches")) {
      engineStore = CaffeineCaches.propertySettings(store, cache.getPropertyTtl(), Clock.systemUTC());
    }
    FeedFetcher engineFetcher = fetcher;
    SyncLimiter engineLimiter = limiter.getIfAvailable();
    RedisCaches shared = Classes.present(context, "dev.icssync.cache.RedisCaches") ? redis.getIfAvailable() : null;
    long bandwidth = properties.getSync().getTenantBandwidth().toBytes();
    if (shared != null) {
      IcsSyncProperties.Redis r = properties.getRedis();
      if (r.getHostLimit() > 0) {
        engineFetcher = shared.politeFetcher(fetcher, r.getHostLimit(), r.getHostLimitWindow(), r.getHostLimitMaxWait());
      }
      if (engineLimiter == null && r.getTenantLimit() > 0) {
        engineLimiter = shared.tenantLimiter(r.getTenantLimit(), r.getTenantLimitWindow());
      }
      if (bandwidth > 0) { // one limit for every instance sharing the Redis, not one per instance
        engineFetcher = shared.tenantBandwidth(engineFetcher, bandwidth);
        bandwidth = 0;
      }
    }
    IcsSync.Builder b = IcsSync.builder()
        .store(engineStore)
        .fetcher(engineFetcher)
        .config(config)
        .conflictPolicy(conflictPolicy)
        .exportCache(exportCache)
        .tenantBandwidth(bandwidth);
    listeners.orderedStream().forEach(b::listener);
    profiles.orderedStream().forEach(b::profile);
    purgeHook.ifAvailable(b::purgeHook);
    if (engineLimiter != null) {
      b.limiter(engineLimiter);
    }
    return b.build();
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(IcsSync.class)
  FeedHealthCheck icsSyncFeedHealthCheck(IcsSync sync, IcsSyncProperties properties) {
    IcsSyncProperties.Health p = properties.getHealth();
    return FeedHealthCheck.create(sync.store(), Clock.systemUTC(),
        configured("health", () -> new HealthPolicy(p.getStaleAfterIntervals(), p.getFailingAfter())));
  }

  /**
   * Builds with the adapter's own checks as the last word: a value the properties' validation let
   * through but the builder refuses still fails start-up naming the group of properties.
   */
  static <T> T configured(String group, Supplier<T> build) {
    try {
      return build.get();
    } catch (IcsSyncException.ConfigurationException e) {
      throw new InvalidConfigurationPropertyValueException(IcsSyncProperties.PREFIX + "." + group, "(see reason)",
          e.getMessage());
    }
  }
}
