package dev.icssync.spring.boot;

import dev.icssync.ConflictStatus;
import dev.icssync.Feed;
import dev.icssync.health.FeedHealth;
import dev.icssync.health.FeedHealthCheck;
import dev.icssync.health.HealthReport;
import dev.icssync.health.HealthStatus;
import dev.icssync.spi.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Feed health in Actuator ({@code /actuator/health/icsSync}): the worst feed status, feeds per status,
 * open conflicts, and the unhealthy feeds (tenant, feed id, property, source, status, failures, last
 * success and why). No feed URL and no token appears: {@link FeedHealth} carries no URL, and every
 * URL in a failure text is replaced by {@code <url>} (a redacted URL still shows host and path, and
 * some channels put the feed's secret in the path).
 *
 * <p>The indicator reports UP while feeds are stale, failing or quarantined (a channel's outage is
 * not this instance's; restarting it would not help) unless {@code ics-sync.health.degraded-status}
 * names another status; it reports DOWN when the store cannot be read.
 */
public class IcsSyncHealthIndicator extends AbstractHealthIndicator {
  // the store keeps failure texts with the query redacted, but channels also put tokens in paths
  private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|webcals?)://\\S+");

  private final FeedHealthCheck check;
  private final Store store;
  private final int maxListed;
  private final Status degraded;

  public IcsSyncHealthIndicator(FeedHealthCheck check, Store store, int maxListed, String degradedStatus) {
    super("ics-sync health check failed");
    this.check = check;
    this.store = store;
    this.maxListed = maxListed;
    this.degraded = new Status(degradedStatus);
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    HealthReport report = check.all();
    int openConflicts = 0;
    TreeSet<String> tenants = new TreeSet<>();
    for (Feed f : store.allFeeds()) {
      tenants.add(f.tenant());
    }
    for (String tenant : tenants) {
      openConflicts += store.conflicts(tenant, null, ConflictStatus.OPEN).size();
    }
    builder.status(report.isHealthy() ? Status.UP : degraded);
    builder.withDetail("status", report.status().name());
    builder.withDetail("feeds", report.feeds());
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (HealthStatus s : HealthStatus.values()) {
      counts.put(s.name().toLowerCase(Locale.ROOT), report.count(s));
    }
    builder.withDetail("counts", counts);
    builder.withDetail("quarantined", report.count(HealthStatus.QUARANTINED));
    builder.withDetail("openConflicts", openConflicts);
    List<Map<String, Object>> unhealthy = new ArrayList<>();
    for (FeedHealth h : report.unhealthy()) {
      if (unhealthy.size() >= maxListed) {
        break;
      }
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("tenant", h.tenant());
      one.put("feed", h.feedId());
      one.put("property", h.property());
      one.put("source", h.source());
      one.put("status", h.status().name());
      one.put("consecutiveFailures", h.consecutiveFailures());
      one.put("lastSuccess", h.lastSuccess() == null ? "never" : h.lastSuccess().toString());
      one.put("detail", withoutUrls(h.detail()));
      unhealthy.add(one);
    }
    builder.withDetail("unhealthy", unhealthy);
    builder.withDetail("checkedAt", report.checkedAt().toString());
  }

  /** The text with every URL replaced by {@code <url>}. */
  static String withoutUrls(String text) {
    return URL.matcher(text).replaceAll("<url>");
  }
}
