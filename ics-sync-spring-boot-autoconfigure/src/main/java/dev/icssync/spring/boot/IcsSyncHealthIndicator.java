package dev.icssync.spring.boot;

import dev.icssync.health.FeedHealthCheck;
import dev.icssync.spi.Store;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Feed health in Actuator ({@code /actuator/health/icsSync}): the worst feed status, feeds per status,
 * open conflicts, and the unhealthy feeds (tenant, feed id, property, source, status, failures, last
 * success and why). No feed URL and no token appears: {@link dev.icssync.health.FeedHealth} carries no URL, and every
 * URL in a failure text is replaced by {@code <url>} (a redacted URL still shows host and path, and
 * some channels put the feed's secret in the path).
 *
 * <p>The indicator reports UP while feeds are stale, failing or quarantined (a channel's outage is
 * not this instance's; restarting it would not help) unless {@code ics-sync.health.degraded-status}
 * names another status; it reports DOWN when the store cannot be read.
 */
public class IcsSyncHealthIndicator extends AbstractHealthIndicator {

  private final FeedHealthDetails details;
  private final Status degraded;

  public IcsSyncHealthIndicator(FeedHealthCheck check, Store store, int maxListed, String degradedStatus) {
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
