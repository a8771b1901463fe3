package dev.icssync.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.alert.Alert;
import dev.icssync.alert.AlertEvaluator;
import dev.icssync.alert.AlertRule;
import dev.icssync.alert.Severity;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Through the real engine: a scripted fetcher, the in-memory store, the Micrometer listener. */
class EndToEndMetricsTest {
  static final String ICS = """
      BEGIN:VCALENDAR\r
      VERSION:2.0\r
      PRODID:-//test//EN\r
      BEGIN:VEVENT\r
      UID:a@test\r
      DTSTAMP:20260101T000000Z\r
      DTSTART;VALUE=DATE:20260310\r
      DTEND;VALUE=DATE:20260314\r
      SUMMARY:Reserved\r
      END:VEVENT\r
      BEGIN:VEVENT\r
      UID:b@test\r
      DTSTAMP:20260101T000000Z\r
      DTSTART;VALUE=DATE:20260320\r
      DTEND;VALUE=DATE:20260322\r
      SUMMARY:Reserved\r
      END:VEVENT\r
      END:VCALENDAR\r
      """;

  @Test
  void syncsThroughTheEngineAreCountedExactly() {
    Deque<FetchResult> script = new ArrayDeque<>(List.of(
        new FetchResult.Fetched(ICS.getBytes(StandardCharsets.UTF_8), null, "text/calendar",
            "\"v1\"", null, null),
        new FetchResult.NotModified("\"v1\"", null, null),
        new FetchResult.Failed(FailureReason.SERVER_ERROR, "HTTP 503", 503, null, null)));
    FeedFetcher fetcher = r -> script.removeFirst();
    Store store = Store.inMemory();
    Feed feed = Feed.builder("t1", "f1").property("p1").source("airbnb").url("https://cal.example/x.ics?s=SECRET").build();
    store.saveFeed(feed);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<Alert> alerts = new ArrayList<>();
    Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    try (IcsSync sync = IcsSync.builder()
        .store(store)
        .fetcher(fetcher)
        .clock(clock)
        .listener(MicrometerSyncListener.builder(registry).clock(clock).build())
        .listener(AlertEvaluator.builder().clock(clock).listener(alerts::add)
            .rules(List.of(AlertRule.errorRate("errors", 0.10, Severity.CRITICAL).withMinSamples(3)))
            .build())
        .build()) {
      List<SyncReport> reports = List.of(sync.syncFeed("t1", "f1"), sync.syncFeed("t1", "f1"),
          sync.syncFeed("t1", "f1"));
      assertThat(reports).extracting(SyncReport::outcome)
          .containsExactly(SyncOutcome.APPLIED, SyncOutcome.NOT_MODIFIED, SyncOutcome.FAILED);
    }
    assertThat(registry.get("icssync.sync.runs").tags("outcome", "applied", "reason", "none")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get("icssync.sync.runs").tags("outcome", "not_modified").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("icssync.sync.runs").tags("outcome", "failed", "reason", "server_error")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get("icssync.sync.events").tags("change", "created").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("icssync.sync.events.seen").counter().count()).isEqualTo(2);
    assertThat(registry.get("icssync.sync.phase").tags("phase", "total").timer().count())
        .isEqualTo(3);
    assertThat(registry.get("icssync.sync.bytes").summary().totalAmount())
        .isEqualTo(ICS.getBytes(StandardCharsets.UTF_8).length);
    assertThat(registry.get("icssync.feeds.stale").gauge().value()).isZero();
    // 1 failure in 3 syncs: 33 % > 10 %
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.value()).isEqualTo(1.0 / 3));
    registry.getMeters().forEach(m -> m.getId().getTags().forEach(t ->
        assertThat(t.getValue()).doesNotContain("SECRET", "cal.example")));
  }
}
