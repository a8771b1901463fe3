package dev.icssync.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.ChangeCounts;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSyncException;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncTimings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertEvaluatorTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final List<Alert> received = new ArrayList<>();
  private final Feed airbnb = Feed.builder("t1", "f1").property("p1").source("airbnb").url("https://x.test/a.ics?s=1").build();
  private final Feed booking = Feed.builder("t1", "f2").property("p1").source("booking").url("https://x.test/b.ics?s=2").build();

  private static SyncReport report(Feed f, SyncOutcome outcome, Duration parse, Duration total) {
    SyncTimings t = new SyncTimings(Duration.ZERO, parse, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        total);
    return SyncReport.builder()
        .feedId(f.id())
        .tenant(f.tenant())
        .property(f.property())
        .source(f.source())
        .outcome(outcome)
        .failure(outcome == SyncOutcome.FAILED ? FailureReason.SERVER_ERROR : null)
        .message("m")
        .timings(t)
        .startedAt(T0)
        .build();
  }

  private static SyncReport ok(Feed f, long totalMillis) {
    return report(f, SyncOutcome.APPLIED, Duration.ZERO, Duration.ofMillis(totalMillis));
  }

  private AlertEvaluator evaluator(List<AlertRule> rules) {
    return AlertEvaluator.builder().rules(rules).listener(received::add).clock(clock).build();
  }

  @Test
  void latencyRuleFiresOncePerEpisodeAndResolves() {
    AlertEvaluator ev = evaluator(List.of(
        AlertRule.latency("slow", Signal.TOTAL_LATENCY, Duration.ofSeconds(10), Severity.CRITICAL)
            .withQuantile(0.5)));
    ev.onSyncFinished(airbnb, ok(airbnb, 1_000));
    ev.onSyncFinished(airbnb, ok(airbnb, 2_000));
    assertThat(received).isEmpty();
    // median crosses 10 s after the third and fourth slow sync
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(1));
      ev.onSyncFinished(airbnb, ok(airbnb, 12_000));
    }
    assertThat(received).hasSize(1);
    Alert fired = received.get(0);
    assertThat(fired.state()).isEqualTo(Alert.State.FIRING);
    assertThat(fired.rule()).isEqualTo("slow");
    assertThat(fired.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(fired.group()).isEqualTo("all");
    assertThat(fired.value()).isEqualTo(12.0);
    assertThat(ev.firing()).hasSize(1);
    // more slow syncs: still one episode
    for (int i = 0; i < 5; i++) {
      ev.onSyncFinished(airbnb, ok(airbnb, 15_000));
    }
    assertThat(received).hasSize(1);
    // the slow samples age out of the 5 minute window; fast syncs resolve it
    clock.advance(Duration.ofMinutes(6));
    ev.onSyncFinished(airbnb, ok(airbnb, 500));
    assertThat(received).hasSize(2);
    assertThat(received.get(1).state()).isEqualTo(Alert.State.RESOLVED);
    assertThat(received.get(1).since()).isEqualTo(fired.since());
    assertThat(ev.firing()).isEmpty();
    // a second episode fires again
    ev.onSyncFinished(airbnb, ok(airbnb, 20_000));
    ev.onSyncFinished(airbnb, ok(airbnb, 20_000));
    assertThat(received).extracting(Alert::state)
        .containsExactly(Alert.State.FIRING, Alert.State.RESOLVED, Alert.State.FIRING);
  }

  @Test
  void errorRateNeedsMinSamplesThenFiresAndClears() {
    AlertEvaluator ev = evaluator(List.of(
        AlertRule.errorRate("errors", 0.10, Severity.CRITICAL).withMinSamples(10)));
    // 2 failures in the first 9 syncs: below min samples, nothing yet
    for (int i = 0; i < 9; i++) {
      ev.onSyncFinished(airbnb, i < 2 ? report(airbnb, SyncOutcome.FAILED, Duration.ZERO,
          Duration.ofMillis(5)) : ok(airbnb, 5));
    }
    assertThat(received).isEmpty();
    ev.onSyncFinished(airbnb, ok(airbnb, 5)); // 2 / 10 = 20 %
    assertThat(received).singleElement().satisfies(a -> {
      assertThat(a.state()).isEqualTo(Alert.State.FIRING);
      assertThat(a.value()).isEqualTo(0.2);
      assertThat(a.samples()).isEqualTo(10);
    });
    // skipped syncs are not samples
    ev.onSyncFinished(airbnb, report(airbnb, SyncOutcome.SKIPPED, Duration.ZERO, Duration.ZERO));
    assertThat(received).hasSize(1);
    // 10 more successes: 2 / 20 = 10 %, not above the threshold -> resolved
    for (int i = 0; i < 10; i++) {
      ev.onSyncFinished(airbnb, ok(airbnb, 5));
    }
    assertThat(received).extracting(Alert::state)
        .containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
    assertThat(received.get(1).value()).isEqualTo(0.1);
  }

  @Test
  void parseLatencyOnlyCountsSyncsThatParsedAndScopesBySource() {
    AlertEvaluator ev = evaluator(List.of(
        AlertRule.latency("parse", Signal.PARSE_LATENCY, Duration.ofSeconds(2), Severity.WARNING)
            .withScope(AlertRule.Scope.SOURCE)));
    ev.onSyncFinished(airbnb, report(airbnb, SyncOutcome.APPLIED, Duration.ofSeconds(3),
        Duration.ofSeconds(4)));
    // a 304 has no parse phase: it must not dilute or clear the parse window
    ev.onSyncFinished(airbnb, report(airbnb, SyncOutcome.NOT_MODIFIED, Duration.ZERO,
        Duration.ofMillis(50)));
    ev.onSyncFinished(booking, report(booking, SyncOutcome.APPLIED, Duration.ofMillis(100),
        Duration.ofMillis(300)));
    assertThat(received).singleElement().satisfies(a -> {
      assertThat(a.group()).isEqualTo("source=airbnb");
      assertThat(a.severity()).isEqualTo(Severity.WARNING);
      assertThat(a.message()).contains("WARNING parse FIRING [source=airbnb] PARSE_LATENCY 3.000s");
    });
  }

  @Test
  void evaluateResolvesWhenSamplesAgeOutWithoutTraffic() {
    AlertEvaluator ev = evaluator(AlertRule.defaults());
    ev.onSyncFinished(airbnb, ok(airbnb, 11_000));
    assertThat(received).extracting(Alert::rule).containsExactly("sync-latency");
    clock.advance(Duration.ofMinutes(4));
    assertThat(ev.evaluate()).isEmpty();
    clock.advance(Duration.ofMinutes(2));
    List<Alert> raised = ev.evaluate();
    assertThat(raised).singleElement().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
    assertThat(received).hasSize(2);
  }

  @Test
  void aThrowingListenerDoesNotBreakEvaluation() {
    AlertEvaluator ev = AlertEvaluator.builder()
        .rules(AlertRule.defaults())
        .listener(a -> {
          throw new IllegalStateException("pager down");
        })
        .clock(clock)
        .build();
    ev.onSyncFinished(airbnb, ok(airbnb, 11_000));
    assertThat(ev.firing()).extracting(Alert::rule).containsExactly("sync-latency");
  }

  @Test
  void rulesAreValidatedWithTheParameterName() {
    assertThatThrownBy(() -> AlertRule.errorRate("e", 1.5, Severity.CRITICAL))
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("threshold");
    assertThatThrownBy(() -> AlertRule.latency("l", Signal.TOTAL_LATENCY, Duration.ZERO,
        Severity.WARNING)).hasMessageContaining("threshold");
    assertThatThrownBy(() -> AlertRule.latency("l", Signal.ERROR_RATE, Duration.ofSeconds(1),
        Severity.WARNING)).hasMessageContaining("signal");
    assertThatThrownBy(() -> AlertRule.defaults().get(0).withWindow(Duration.ZERO))
        .hasMessageContaining("window");
    assertThatThrownBy(() -> AlertRule.defaults().get(0).withQuantile(0))
        .hasMessageContaining("quantile");
    assertThatThrownBy(() -> AlertEvaluator.builder().build()).hasMessageContaining("listener");
    AlertRule r = AlertRule.defaults().get(0);
    assertThatThrownBy(() -> AlertEvaluator.builder().listener(a -> {}).rules(List.of(r, r)).build())
        .hasMessageContaining("unique");
    assertThat(r.withSeverity(Severity.WARNING).severity()).isEqualTo(Severity.WARNING);
  }

  @Test
  void defaultsAreTheDocumentedThresholds() {
    assertThat(AlertRule.defaults()).extracting(AlertRule::signal, AlertRule::threshold,
            AlertRule::severity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Signal.TOTAL_LATENCY, 10.0, Severity.CRITICAL),
            org.assertj.core.groups.Tuple.tuple(Signal.ERROR_RATE, 0.10, Severity.CRITICAL),
            org.assertj.core.groups.Tuple.tuple(Signal.PARSE_LATENCY, 2.0, Severity.WARNING));
  }
}
