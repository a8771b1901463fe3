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

/** The details of the health indicators (Boot 3's and Boot 4's), free of either's types. */
final class FeedHealthDetails {
  // the store keeps failure texts with the query redacted, but channels also put tokens in paths
  private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|webcals?)://\\S+");

  private final FeedHealthCheck check;
  private final Store store;
  private final int maxListed;

  FeedHealthDetails(FeedHealthCheck check, Store store, int maxListed) {
    this.check = check;
    this.store = store;
    this.maxListed = maxListed;
  }

  /** What one check found. */
  record Read(boolean healthy, Map<String, Object> details) {}

  Read read() {
    HealthReport report = check.all();
    int openConflicts = 0;
    TreeSet<String> tenants = new TreeSet<>();
    for (Feed f : store.allFeeds()) {
      tenants.add(f.tenant());
    }
    for (String tenant : tenants) {
      openConflicts += store.conflicts(tenant, null, ConflictStatus.OPEN).size();
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("status", report.status().name());
    d.put("feeds", report.feeds());
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (HealthStatus s : HealthStatus.values()) {
      counts.put(s.name().toLowerCase(Locale.ROOT), report.count(s));
    }
    d.put("counts", counts);
    d.put("quarantined", report.count(HealthStatus.QUARANTINED));
    d.put("openConflicts", openConflicts);
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
    d.put("unhealthy", unhealthy);
    d.put("checkedAt", report.checkedAt().toString());
    return new Read(report.isHealthy(), d);
  }

  /** The text with every URL replaced by {@code <url>}. */
  static String withoutUrls(String text) {
    return URL.matcher(text).replaceAll("<url>");
  }
}
