package dev.icssync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException;
import dev.icssync.PropertySettings;
import dev.icssync.SyncConfig;
import dev.icssync.SyncOutcome;
import dev.icssync.cache.RedisCaches;
import dev.icssync.health.FeedHealthCheck;
import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.micrometer.MicrometerSyncListener;
import dev.icssync.scheduler.FeedSyncScheduler;
import dev.icssync.spi.ConflictPolicy;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.PurgeHook;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncLimiter;
import dev.icssync.spi.SyncListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The conditions of {@link IcsSyncAutoConfiguration} and its siblings: present, absent, replaced, disabled, bad. */
class IcsSyncAutoConfigurationTest {

  static final AutoConfigurations ICS_SYNC = AutoConfigurations.of(IcsSyncMetricsAutoConfiguration.class,
      IcsSyncAutoConfiguration.class, IcsSyncWebAutoConfiguration.class, IcsSyncSchedulerAutoConfiguration.class,
      IcsSyncHealthAutoConfiguration.class);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
      .withConfiguration(ICS_SYNC)
      .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
          "ics-sync.scheduler.enabled=false");

  // ------------------------------------------------------------------------------------ present

  @Test
  void dataSourceGivesTheWholeEngine() {
    runner.run(context -> {
      assertThat(context).hasNotFailed()
          .hasSingleBean(JdbcStore.class)
          .hasSingleBean(IcsSyncSchemaMigration.class)
          .hasSingleBean(HttpFeedFetcher.class)
          .hasSingleBean(SyncConfig.class)
          .hasSingleBean(ConflictPolicy.class)
          .hasSingleBean(ExportCache.class)
          .hasSingleBean(IcsSync.class)
          .hasSingleBean(FeedHealthCheck.class)
          .hasSingleBean(ExportEndpoint.class)
          .doesNotHaveBean(RedisCaches.class)
          .doesNotHaveBean(MicrometerSyncListener.class); // no MeterRegistry
      assertThat(tables(context.getBean(DataSource.class))).contains("icssync_feed", "icssync_schema_history");
      assertThat(context.getBean(ExportCache.class).getClass().getName()).contains("Caffeine");
      IcsSync sync = context.getBean(IcsSync.class);
      assertThat(sync.settings().fetcher()).isSameAs(context.getBean(FeedFetcher.class));
      assertThat(sync.settings().exportCache()).isSameAs(context.getBean(ExportCache.class));
    });
  }

  @Test
  void aTenantBandwidthPutsTheLimitInFrontOfTheFetcher() {
    runner.withPropertyValues("ics-sync.sync.tenant-bandwidth=10MB").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(IcsSync.class).settings().fetcher()).isNotSameAs(context.getBean(FeedFetcher.class))
          .extracting(f -> f.getClass().getSimpleName()).isEqualTo("TenantBandwidth");
    });
  }

  @Test
  void engineSyncsAFeedOnLoopbackThroughTheAllowList() {
    try (FeedServer feeds = new FeedServer()) {
      LocalDate in = LocalDate.now(ZoneOffset.UTC).plusDays(10);
      feeds.put("/a.ics", FeedServer.stay("a1@airbnb.com", in, 3));
      runner.withPropertyValues("ics-sync.fetcher.allowed-hosts=127.0.0.1").run(context -> {
        IcsSync sync = context.getBean(IcsSync.class);
        sync.store().saveFeed(Feed.builder("t1", "f1").property("villa").source("airbnb").url(feeds.url("/a.ics")).build());
        sync.store().saveProperty(PropertySettings.defaults("t1", "villa"));
        assertThat(sync.syncFeed("t1", "f1").outcome()).isEqualTo(SyncOutcome.APPLIED);
      });
      // without the allow-list the SSRF guard refuses loopback
      runner.run(context -> {
        IcsSync sync = context.getBean(IcsSync.class);
        sync.store().saveFeed(Feed.builder("t1", "f1").property("villa").source("airbnb").url(feeds.url("/a.ics")).build());
        assertThat(sync.syncFeed("t1", "f1").outcome()).isEqualTo(SyncOutcome.FAILED);
      });
    }
  }

  @Test
  void sourcePriorityBecomesTheConflictPolicy() {
    runner.withPropertyValues("ics-sync.sync.source-priority=direct,airbnb", "ics-sync.sync.parallelism=3")
        .run(context -> {
          assertThat(context.getBean(ConflictPolicy.class)).isNotSameAs(ConflictPolicy.firstSeenWins());
          assertThat(context.getBean(IcsSync.class).settings().config().parallelism()).isEqualTo(3);
        });
  }

  @Test
  void meterRegistryGetsTheSyncListener() {
    runner.withBean(SimpleMeterRegistry.class).run(context -> {
      assertThat(context).hasSingleBean(MicrometerSyncListener.class);
      assertThat(context.getBean(IcsSync.class).settings().listeners())
          .contains(context.getBean(MicrometerSyncListener.class));
      // the export cache's statistics are bound too
      assertThat(context.getBean(MeterRegistry.class).find("icssync.cache.gets").tag("cache", "export").meters())
          .isNotEmpty();
    });
  }

  @Test
  void redisUriGivesTheSharedExportCache() {
    runner.withPropertyValues("ics-sync.redis.uri=redis://127.0.0.1:6379",
        "ics-sync.redis.key-prefix=icssync:boot-test:" + UUID.randomUUID() + ":").run(context -> {
          assertThat(context).hasSingleBean(RedisCaches.class);
          assertThat(context.getBean(ExportCache.class)).isSameAs(context.getBean(RedisCaches.class).exportCache());
        });
  }

  @Test
  void schedulerRunsWithTheContextAndStopsBeforeTheWebServer() {
    runner.withPropertyValues("ics-sync.scheduler.enabled=true", "ics-sync.scheduler.threads=2").run(context -> {
      IcsSyncSchedulerLifecycle lifecycle = context.getBean(IcsSyncSchedulerLifecycle.class);
      assertThat(lifecycle.isRunning()).isTrue();
      assertThat(lifecycle.scheduler().tableName()).isEqualTo(FeedSyncScheduler.DEFAULT_TABLE);
      assertThat(lifecycle.getPhase())
          .isGreaterThan(org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
      context.close();
      assertThat(lifecycle.isRunning()).isFalse();
    });
  }

  @Test
  void schemaMigratesAfterTheApplicationsOwnFlyway() {
    List<String> order = new ArrayList<>();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
        .withConfiguration(ICS_SYNC)
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "spring.flyway.locations=classpath:db/host", "ics-sync.scheduler.enabled=false")
        .withBean("initOrder", BeanPostProcessor.class, () -> new BeanPostProcessor() {
          @Override
          public Object postProcessAfterInitialization(Object bean, String name) {
            if (name.equals("flywayInitializer") || name.equals("icsSyncSchemaMigration")) {
              order.add(name);
            }
            return bean;
          }
        })
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(order).containsExactly("flywayInitializer", "icsSyncSchemaMigration");
          // two histories side by side: the host's and ours
          assertThat(tables(context.getBean(DataSource.class)))
              .contains("flyway_schema_history", "host_booking", "icssync_schema_history", "icssync_feed");
        });
  }

  // ------------------------------------------------------------------------------------ absent

  @Test
  void noDataSourceNoStoreNoEngine() {
    new ApplicationContextRunner().withConfiguration(ICS_SYNC).run(context -> {
      assertThat(context).hasNotFailed()
          .doesNotHaveBean(Store.class)
          .doesNotHaveBean(IcsSyncSchemaMigration.class)
          .doesNotHaveBean(IcsSync.class)
          .doesNotHaveBean(ExportEndpoint.class)
          .doesNotHaveBean(IcsSyncSchedulerLifecycle.class)
          .hasSingleBean(HttpFeedFetcher.class);
    });
  }

  @Test
  void withoutTheJdbcAdapterAnApplicationStoreIsNeeded() {
    runner.withClassLoader(new FilteredClassLoader(JdbcStore.class)).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(Store.class).doesNotHaveBean(IcsSync.class));
  }

  @Test
  void withoutTheHttpAdapterThereIsNoFetcherAndNoExport() {
    runner.withClassLoader(new FilteredClassLoader(HttpFeedFetcher.class)).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(FeedFetcher.class).doesNotHaveBean(IcsSync.class)
            .hasSingleBean(JdbcStore.class));
  }

  @Test
  void withoutTheCacheModuleExportsAreNotCached() {
    runner.withClassLoader(new FilteredClassLoader("dev.icssync.cache.")).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(ExportCache.class).getClass()).isEqualTo(ExportCache.none().getClass());
      assertThat(context.getBean(IcsSync.class).settings().store()).isSameAs(context.getBean(Store.class));
    });
  }

  @Test
  void withoutLettuceTheRedisUriIsIgnored() {
    runner.withClassLoader(new FilteredClassLoader("io.lettuce."))
        .withPropertyValues("ics-sync.redis.uri=redis://127.0.0.1:6379")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisCaches.class));
  }

  @Test
  void withoutTheSchedulerModuleThereIsNoScheduler() {
    runner.withClassLoader(new FilteredClassLoader(FeedSyncScheduler.class))
        .withPropertyValues("ics-sync.scheduler.enabled=true")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(IcsSyncSchedulerLifecycle.class)
            .hasSingleBean(IcsSync.class));
  }

  @Test
  void withoutTheMicrometerBindingThereIsNoListener() {
    runner.withBean(SimpleMeterRegistry.class).withClassLoader(new FilteredClassLoader(MicrometerSyncListener.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerSyncListener.class));
  }

  // ------------------------------------------------------------------------------------ replaced

  @Test
  void applicationBeansReplaceEachPart() {
    Store store = Store.inMemory();
    FeedFetcher fetcher = request -> new FetchResult.NotModified(null, null, null);
    SyncConfig config = SyncConfig.builder().parallelism(1).build();
    ExportCache cache = ExportCache.none();
    runner.withBean(Store.class, () -> store)
        .withBean(FeedFetcher.class, () -> fetcher)
        .withBean(SyncConfig.class, () -> config)
        .withBean(ExportCache.class, () -> cache)
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(JdbcStore.class).doesNotHaveBean(HttpFeedFetcher.class);
          IcsSync sync = context.getBean(IcsSync.class);
          assertThat(sync.settings().fetcher()).isSameAs(fetcher);
          assertThat(sync.settings().config()).isSameAs(config);
          assertThat(sync.settings().exportCache()).isSameAs(cache);
          // the property-settings cache wraps the application's store, whose data it serves
          sync.store().saveProperty(PropertySettings.defaults("t1", "villa"));
          assertThat(store.property("t1", "villa")).isPresent();
        });
  }

  @Test
  void applicationListenersLimiterAndPurgeHookJoinTheEngine() {
    SyncListener listener = new SyncListener() { };
    SyncLimiter limiter = tenant -> true;
    PurgeHook purge = keys -> { };
    runner.withBean(SyncListener.class, () -> listener).withBean(SyncLimiter.class, () -> limiter)
        .withBean(PurgeHook.class, () -> purge).run(context -> {
          IcsSync.Settings settings = context.getBean(IcsSync.class).settings();
          assertThat(settings.listeners()).contains(listener);
          assertThat(settings.limiter()).isSameAs(limiter);
          assertThat(settings.purgeHook()).isSameAs(purge);
        });
  }

  @Test
  void redisLimitsWrapTheFetcherAndLimitTenants() {
    runner.withPropertyValues("ics-sync.redis.uri=redis://127.0.0.1:6379",
        "ics-sync.redis.key-prefix=icssync:boot-test:" + UUID.randomUUID() + ":",
        "ics-sync.redis.tenant-limit=100", "ics-sync.redis.host-limit=2").run(context -> {
          IcsSync.Settings settings = context.getBean(IcsSync.class).settings();
          assertThat(settings.fetcher()).isNotSameAs(context.getBean(FeedFetcher.class)); // politeness around it
          assertThat(settings.limiter().getClass()).isNotEqualTo(SyncLimiter.unlimited().getClass());
        });
  }

  @Test
  void withRedisTheTenantBandwidthIsOneLimitSharedByEveryInstance() {
    runner.withPropertyValues("ics-sync.redis.uri=redis://127.0.0.1:6379",
        "ics-sync.redis.key-prefix=icssync:boot-test:" + UUID.randomUUID() + ":",
        "ics-sync.sync.tenant-bandwidth=10MB").run(context -> {
          // the shared limit through Redis, and not the instance's own on top of it (bytes counted once)
          assertThat(context.getBean(IcsSync.class).settings().fetcher())
              .extracting(f -> f.getClass().getSimpleName()).isEqualTo("SharedTenantBandwidth");
        });
  }

  @Test
  void applicationEngineReplacesOursAndIsStillServed() {
    IcsSync own = IcsSync.builder().store(Store.inMemory()).fetcher(request -> new FetchResult.NotModified(null, null, null)).build();
    runner.withBean(IcsSync.class, () -> own).run(context -> {
      assertThat(context.getBean(IcsSync.class)).isSameAs(own);
      assertThat(context).hasSingleBean(ExportEndpoint.class).hasSingleBean(FeedHealthCheck.class);
    });
  }

  @Test
  void applicationMigrationReplacesOurs() {
    runner.withUserConfiguration(OwnMigration.class).run(context -> {
      assertThat(context).hasSingleBean(IcsSyncSchemaMigration.class);
      assertThat(context.getBean(IcsSyncSchemaMigration.class).isMigrated()).isFalse();
      assertThat(tables(context.getBean(DataSource.class))).doesNotContain("icssync_feed");
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnMigration {
    @Bean
    IcsSyncSchemaMigration ownMigration(DataSource dataSource) {
      return new IcsSyncSchemaMigration(dataSource, false) {
        @Override
        public void afterPropertiesSet() {
          // the application runs the shipped SQL itself
        }
      };
    }
  }

  // ------------------------------------------------------------------------------------ disabled

  @Test
  void migrateOffLeavesTheSchemaAlone() {
    runner.withPropertyValues("ics-sync.store.migrate=false").run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(IcsSyncSchemaMigration.class).hasSingleBean(JdbcStore.class);
      assertThat(tables(context.getBean(DataSource.class))).doesNotContain("icssync_feed");
    });
  }

  @Test
  void exportOffMountsNothing() {
    runner.withPropertyValues("ics-sync.export.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ExportEndpoint.class));
  }

  @Test
  void cacheOffRendersEveryExport() {
    runner.withPropertyValues("ics-sync.cache.enabled=false").run(context -> {
      assertThat(context.getBean(ExportCache.class).getClass()).isEqualTo(ExportCache.none().getClass());
      assertThat(context.getBean(IcsSync.class).settings().store()).isSameAs(context.getBean(Store.class));
    });
  }

  @Test
  void metricsOffRecordsNothing() {
    runner.withBean(SimpleMeterRegistry.class).withPropertyValues("ics-sync.metrics.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(MicrometerSyncListener.class));
  }

  @Test
  void schedulerOffByProperty() {
    runner.withPropertyValues("ics-sync.scheduler.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(IcsSyncSchedulerLifecycle.class));
  }

  // ------------------------------------------------------------------------------------ bad property

  @Test
  void badValuesFailStartUpNamingTheProperty() {
    assertFailsNaming("ics-sync.fetcher.timeout=0s", "ics-sync.fetcher.timeout");
    assertFailsNaming("ics-sync.fetcher.max-redirects=21", "ics-sync.fetcher.max-redirects");
    assertFailsNaming("ics-sync.fetcher.allowed-cidrs=10.0.0.0/33", "ics-sync.fetcher.allowed-cidrs[0]");
    assertFailsNaming("ics-sync.sync.mass-cancel-share=1.5", "ics-sync.sync.mass-cancel-share");
    assertFailsNaming("ics-sync.sync.parallelism=0", "ics-sync.sync.parallelism");
    assertFailsNaming("ics-sync.sync.tenant-bandwidth=-1B", "ics-sync.sync.tenant-bandwidth");
    assertFailsNaming("ics-sync.store.statement-timeout=-1s", "ics-sync.store.statement-timeout");
    assertFailsNaming("ics-sync.scheduler.threads=0", "ics-sync.scheduler.threads");
    assertFailsNaming("ics-sync.scheduler.table-name=x;drop", "ics-sync.scheduler.table-name");
    assertFailsNaming("ics-sync.export.path=ics", "ics-sync.export.path");
    assertFailsNaming("ics-sync.redis.uri=localhost:6379", "ics-sync.redis.uri");
    assertFailsNaming("ics-sync.health.degraded-status=down!", "ics-sync.health.degraded-status");
  }

  @Test
  void aValueOnlyTheAdapterRefusesStillNamesItsGroup() {
    // an IPv6 literal that is not one: the fetcher's own check, reported under the fetcher's properties
    runner.withPropertyValues("ics-sync.fetcher.allowed-hosts=[zz::1]").run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context.getStartupFailure())).contains("ics-sync.fetcher");
    });
    assertThatThrownBy(() -> IcsSyncAutoConfiguration.configured("scheduler", () -> {
      throw new IcsSyncException.ConfigurationException("jitter must be in [0, 0.5], was 2.0");
    })).isInstanceOf(InvalidConfigurationPropertyValueException.class)
        .hasMessageContaining("ics-sync.scheduler").hasMessageContaining("jitter must be in [0, 0.5]");
  }

  @Test
  void rowLevelSecurityOnH2NamesTheProperty() {
    assertFailsNaming("ics-sync.store.row-level-security=true", "ics-sync.store.row-level-security");
  }

  @Test
  void anOlderHttpClientIsNamedWithItsFix() {
    assertThatThrownBy(() -> IcsSyncAutoConfiguration.FetcherConfiguration.onHttpClient56(() -> {
      throw new NoSuchMethodError("HttpAsyncClientBuilder.disableContentCompression()");
    })).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Apache HttpClient 5.6").hasMessageContaining("httpclient5.version");
    // an HttpCore older than 5.4 fails start-up, not the first reuse of a pooled connection
    runner.withClassLoader(new FilteredClassLoader("org.apache.hc.core5.http.nio.command.")).run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context.getStartupFailure())).contains("HttpCore 5.4", "httpcore5.version");
    });
  }

  @Test
  void unparsableValueNamesTheProperty() {
    assertFailsNaming("ics-sync.sync.default-zone=Mars/Olympus", "ics-sync.sync.default-zone");
  }

  private void assertFailsNaming(String property, String name) {
    runner.withPropertyValues(property).run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context.getStartupFailure())).as(property).contains(name);
    });
  }

  static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  static List<String> tables(DataSource dataSource) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
      }
    }
    return names;
  }
}
