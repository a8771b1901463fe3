package dev.icssync.spring.boot;

import dev.icssync.micrometer.MicrometerSyncListener;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.Store;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Records every sync in the application's {@link MeterRegistry} (so on {@code /actuator/prometheus}
 * when the Prometheus registry is present): the {@code icssync.*} meters of
 * {@link MicrometerSyncListener}, feed gauges read from the store, and the export cache's
 * statistics under {@code cache=export}.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"})
@ConditionalOnClass({MicrometerSyncListener.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "ics-sync.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class IcsSyncMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  MicrometerSyncListener icsSyncMetrics(MeterRegistry registry, IcsSyncProperties properties,
      ObjectProvider<Store> store, ObjectProvider<ExportCache> exportCache) {
    IcsSyncProperties.Metrics p = properties.getMetrics();
    MicrometerSyncListener.Builder b = MicrometerSyncListener.builder(registry).tenantTag(p.isTenantTag());
    Store s = store.getIfUnique();
    if (s != null) {
      b.store(s, p.getGaugeRefresh());
    }
    ExportCache cache = exportCache.getIfUnique();
    if (cache != null) {
      MicrometerSyncListener.bindCache(registry, "export", cache);
    }
    return b.build();
  }
}
