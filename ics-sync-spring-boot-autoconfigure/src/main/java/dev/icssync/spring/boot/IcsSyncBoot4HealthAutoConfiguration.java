package dev.icssync.spring.boot;

import dev.icssync.IcsSync;
import dev.icssync.health.FeedHealthCheck;
import dev.icssync.spi.Store;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * The feed health indicator on Spring Boot 4, whose health API moved to
 * {@code org.springframework.boot.health}: the same {@code icsSync} details as
 * {@link IcsSyncHealthIndicator} on Boot 3. Absent on Boot 3 (its classes are not there).
 */
@AutoConfiguration(after = IcsSyncAutoConfiguration.class,
    beforeName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator", value = IcsSync.class)
@ConditionalOnBean({IcsSync.class, FeedHealthCheck.class})
@ConditionalOnEnabledHealthIndicator("icssync")
public class IcsSyncBoot4HealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "icsSyncHealthIndicator")
  Indicator icsSyncHealthIndicator(FeedHealthCheck check, IcsSync sync, IcsSyncProperties properties) {
    IcsSyncProperties.Health p = properties.getHealth();
    return new Indicator(check, sync.store(), p.getMaxListed(), p.getDegradedStatus());
  }

  /** Boot 4's indicator over {@link FeedHealthDetails}. */
  static final class Indicator extends AbstractHealthIndicator {
    private final FeedHealthDetails details;
    private final Status degraded;

    Indicator(FeedHealthCheck check, Store store, int maxListed, String degradedStatus) {
      super("ics-sync health check failed");
      this.details = new FeedHealthDetails(check, store, maxListed);
      this.degraded = new Status(degradedStatus);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
      FeedHealthDetails.Read d = details.read();
      builder.status(d.healthy() ? Status.UP : degraded).withDetails(d.details());
    }
  }
}
