package dev.icssync.spring.boot;

import dev.icssync.IcsSync;
import dev.icssync.health.FeedHealthCheck;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The feed health indicator, named {@code icsSync} ({@code management.health.icssync.enabled=false}
 * turns it off).
 */
@AutoConfiguration(after = IcsSyncAutoConfiguration.class,
    beforeName = "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator", value = IcsSync.class)
@ConditionalOnBean({IcsSync.class, FeedHealthCheck.class})
@ConditionalOnEnabledHealthIndicator("icssync")
public class IcsSyncHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "icsSyncHealthIndicator")
  IcsSyncHealthIndicator icsSyncHealthIndicator(FeedHealthCheck check, IcsSync sync, IcsSyncProperties properties) {
    IcsSyncProperties.Health p = properties.getHealth();
    return new IcsSyncHealthIndicator(check, sync.store(), p.getMaxListed(), p.getDegradedStatus());
  }
}
