package dev.icssync.micrometer;

import static dev.icssync.micrometer.MicrometerSyncListenerTest.T0;
import static dev.icssync.micrometer.MicrometerSyncListenerTest.applied;
import static dev.icssync.micrometer.MicrometerSyncListenerTest.failed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ChangeCounts;
import dev.icssync.ChangeEvent;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.alert.AlertEvaluator;
import dev.icssync.alert.AlertRule;
import dev.icssync.alert.Signal;
import dev.icssync.alert.Severity;
import dev.icssync.health.FeedHealthCheck;
import dev.icssync.spi.Store;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Feed URLs carry channel tokens: none may reach a meter or a log line. */
class NoSecretsInMetersOrLogsTest {

  @Test
  void noUrlOrTokenInAnyTagOrLogLine() {
    Feed feed = Feed.builder("t1", "f1").property("p1").source("airbnb").url("https://guest:hunter2@calendar.example/ical/private-0f3c5e7a9b1d2f4a6c8e0b2d4f6a9a2b/123.ics?s=TOKENabc123").build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> alertText = new ArrayList<>();
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Store store = Store.inMemory();
      store.saveFeed(feed);
      // the store gauges go to the registry inspected below, not to one nobody reads
      MicrometerSyncListener metrics = MicrometerSyncListener.builder(registry).tenantTag(true)
          .store(store, Duration.ZERO).build();
      AlertEvaluator alerts = AlertEvaluator.builder()
          .rules(List.of(AlertRule.errorRate("errors", 0.1, Severity.CRITICAL).withMinSamples(1)
                  .withScope(AlertRule.Scope.FEED),
              AlertRule.latency("slow", Signal.FETCH_LATENCY, Duration.ofMillis(1), Severity.WARNING)))
          .listener(a -> alertText.add(a.toString() + a.message()))
          .build();
      for (var l : List.of(metrics, alerts)) {
        l.onSyncStarted(feed);
        l.onChange(new ChangeEvent.FeedFailed(feed, FailureReason.UNAUTHORIZED, "401", 1));
        l.onSyncFinished(feed, failed(feed, FailureReason.UNAUTHORIZED, T0));
        l.onSyncFinished(feed, applied(feed, new ChangeCounts(1, 1, 0, 0, 0, 0, 0, 0), 0, 0, T0));
      }
      alerts.evaluate();
      // read the gauges while the log is captured: with a store they read it (refresh ZERO)
      for (String gauge : List.of("icssync.feeds.failing", "icssync.feeds.stale", "icssync.feeds.quarantined",
          "icssync.conflicts.open")) {
        assertThat(registry.get(gauge).gauge().value()).as(gauge).isGreaterThanOrEqualTo(0);
      }
      alertText.add(FeedHealthCheck.create(store, Clock.fixed(T0, ZoneOffset.UTC)).all().toString());
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the capture works").contains("alert CRITICAL errors FIRING");
    List<String> texts = new ArrayList<>(alertText);
    texts.add(log);
    for (Meter m : registry.getMeters()) {
      texts.add(m.getId().getName());
      for (Tag t : m.getId().getTags()) {
        texts.add(t.getKey() + "=" + t.getValue());
      }
    }
    assertThat(registry.getMeters()).isNotEmpty();
    for (String s : texts) {
      assertThat(s).doesNotContain("TOKENabc123", "hunter2", "guest", "calendar.example", "/ical/",
          "0f3c5e7a", "4f6a9a2b");
    }
  }
}
