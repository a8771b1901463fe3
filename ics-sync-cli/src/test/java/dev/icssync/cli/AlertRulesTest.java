package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.micrometer.MicrometerSyncListener;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example alert rules use only metric names that {@code run}'s registry really exposes, and the
 * design's thresholds. The end-to-end test checks the same names against a live process's /metrics.
 */
class AlertRulesTest {
  static final Path RULES = Path.of("deploy", "prometheus-alerts.yml");

  static String rules() throws IOException {
    return Files.readString(RULES, StandardCharsets.UTF_8);
  }

  /** Every {@code icssync_...} metric name in the rules' expressions. */
  static Set<String> metricNames(String rules) {
    Set<String> names = new TreeSet<>();
    for (String line : rules.split("\n")) {
      if (line.trim().startsWith("#") || line.contains("summary:")) {
        continue;
      }
      Matcher m = Pattern.compile("\\bicssync_[a-z0-9_]+").matcher(line);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  @Test
  void theRulesUseTheMetricNamesOfARealScrapeAndTheDesignThresholds() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a@t\r\n"
        + "DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20300110\r\nDTEND;VALUE=DATE:20300112\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n";
    try (IcsSync sync = IcsSync.builder().store(Store.inMemory())
        .fetcher(r -> r.feed().id().equals("good")
            ? FetchResult.Fetched.of(calendar.getBytes(StandardCharsets.UTF_8))
            : FetchResult.Failed.of(FailureReason.SERVER_ERROR, "HTTP 500"))
        .listener(MicrometerSyncListener.create(registry)).build()) {
      sync.store().saveFeed(Feed.builder("acme", "good").property("villa").source("airbnb").url("https://cal.example/good.ics").build());
      sync.store().saveFeed(Feed.builder("acme", "bad").property("villa").source("booking").url("https://cal.example/bad.ics").build());
      assertThat(sync.syncFeed("acme", "good").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(sync.syncFeed("acme", "bad").outcome()).isEqualTo(SyncOutcome.FAILED);
    }
    Set<String> exposed = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(line);
      if (!line.startsWith("#") && m.find()) {
        exposed.add(m.group(1));
      }
    }
    String rules = rules();
    Set<String> used = metricNames(rules);
    assertThat(used).contains("icssync_sync_runs_total", "icssync_sync_phase_seconds_bucket");
    assertThat(exposed).containsAll(used);
    assertThat(registry.scrape()).contains("phase=\"parse\"", "phase=\"total\"", "outcome=\"failed\"");
    // the thresholds: a sync over 10 s, an error rate over 10 %, a parse over 2 s
    assertThat(rules).contains("{phase=\"total\"}[10m]))) > 10", "> 0.10", "{phase=\"parse\"}[10m]))) > 2");
  }
}
