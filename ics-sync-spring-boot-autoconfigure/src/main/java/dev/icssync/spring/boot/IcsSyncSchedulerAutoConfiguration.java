package dev.icssync.spring.boot;

import dev.icssync.IcsSync;
import dev.icssync.scheduler.FeedSyncScheduler;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;

/**
 * The persistent per-feed scheduler on the application's DataSource ({@code ics-sync.scheduler.*}),
 * started with the context and stopped before the web server and the DataSource go away
 * ({@link IcsSyncSchedulerLifecycle}).
 */
@AutoConfiguration(after = IcsSyncAutoConfiguration.class)
@ConditionalOnClass({FeedSyncScheduler.class, IcsSync.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(IcsSync.class)
@ConditionalOnProperty(prefix = "ics-sync.scheduler", name = "enabled", havingValue = "true", matchIfMissing = true)
public class IcsSyncSchedulerAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @DependsOnDatabaseInitialization
  IcsSyncSchedulerLifecycle icsSyncScheduler(DataSource dataSource, IcsSync sync, IcsSyncProperties properties) {
    IcsSyncProperties.Scheduler p = properties.getScheduler();
    return new IcsSyncSchedulerLifecycle(() -> IcsSyncAutoConfiguration.configured("scheduler", () -> {
      FeedSyncScheduler.Builder b = FeedSyncScheduler.builder(dataSource)
          .sync(sync)
          .threads(p.getThreads())
          .pollingInterval(p.getPollingInterval())
          .heartbeatInterval(p.getHeartbeatInterval())
          .shutdownMaxWait(p.getShutdownMaxWait())
          .tableName(p.getTableName())
          .createTables(p.isCreateTables())
          .enrolOnStart(p.isEnrolOnStart());
      if (p.getTenantConcurrency() != null) {
        b.tenantConcurrency(p.getTenantConcurrency());
      }
      return b.start();
    }));
  }
}
