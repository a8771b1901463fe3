package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FailureReason;
import dev.icssync.SyncOutcome;
import dev.icssync.scheduler.ReschedulePolicy.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReschedulePolicyTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration INTERVAL = Duration.ofMinutes(15);
  private final ReschedulePolicy policy =
      new ReschedulePolicy(0.1, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(6));
  private final SplittableRandom random = new SplittableRandom(42);

  @ParameterizedTest
  @EnumSource(value = SyncOutcome.class, names = {"APPLIED", "UNCHANGED", "NOT_MODIFIED", "QUARANTINED"})
  void successRunsAgainAfterTheIntervalWithinTheJitterAndResetsFailures(SyncOutcome outcome) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 2_000; i++) {
      Decision d = policy.decide(Reports.of("t", "f", outcome), INTERVAL, 7, NOW, random);
      assertThat(d.failures()).isZero();
      long ms = Duration.between(NOW, d.nextRun()).toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertThat(min).isGreaterThanOrEqualTo(INTERVAL.toMillis() * 9 / 10);
    assertThat(max).isLessThanOrEqualTo(INTERVAL.toMillis() * 11 / 10);
    // the jitter really spreads: both ends of the band are used
    assertThat(min).isLessThan(INTERVAL.toMillis() * 92 / 100);
    assertThat(max).isGreaterThan(INTERVAL.toMillis() * 108 / 100);
  }

  @Test
  void retryAfterIsRespectedNeverEarlierAndCapped() {
    for (int i = 0; i < 500; i++) {
      Decision d = policy.decide(Reports.failed("t", "f", FailureReason.RATE_LIMITED, Duration.ofSeconds(120)),
          INTERVAL, 0, NOW, random);
      assertThat(d.nextRun()).isBetween(NOW.plusSeconds(120), NOW.plusSeconds(132));
      assertThat(d.failures()).isEqualTo(1);
    }
    Decision capped = policy.decide(Reports.failed("t", "f", FailureReason.SERVER_ERROR, Duration.ofDays(3)),
        INTERVAL, 2, NOW, random);
    assertThat(capped.nextRun()).isBetween(NOW.plus(Duration.ofHours(6)), NOW.plus(Duration.ofHours(6)).plusSeconds(60));
    assertThat(capped.failures()).isEqualTo(3);
  }

  @Test
  void transientFailuresBackOffExponentiallyWithJitterUpToTheCapAndNeverGiveUp() {
    for (int n = 1; n <= 40; n++) {
      long expectedCeiling = Math.min(Duration.ofHours(1).toMillis(), Duration.ofMinutes(1).toMillis() << Math.min(n - 1, 20));
      long max = 0;
      for (int i = 0; i < 300; i++) {
        Decision d = policy.decide(Reports.failed("t", "f", FailureReason.NETWORK, null), INTERVAL, n - 1, NOW, random);
        assertThat(d.isStop()).isFalse();
        assertThat(d.failures()).isEqualTo(n);
        long ms = Duration.between(NOW, d.nextRun()).toMillis();
        assertThat(ms).isBetween(Duration.ofMinutes(1).toMillis(), expectedCeiling);
        max = Math.max(max, ms);
      }
      if (n >= 3) {
        // full jitter: the upper part of the band is reached
        assertThat(max).isGreaterThan(expectedCeiling * 8 / 10);
      }
    }
    Decision huge = policy.decide(Reports.failed("t", "f", FailureReason.TIMEOUT, null), INTERVAL,
        Integer.MAX_VALUE, NOW, random);
    assertThat(huge.isStop()).isFalse();
    assertThat(huge.nextRun()).isBetween(NOW.plusSeconds(60), NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void permanentFailuresAreNeverRetriedFasterThanTheInterval() {
    for (int n = 0; n < 20; n++) {
      Decision d = policy.decide(Reports.failed("t", "f", FailureReason.UNAUTHORIZED, null), INTERVAL, n, NOW, random);
      assertThat(d.isStop()).isFalse();
      assertThat(d.nextRun()).isAfterOrEqualTo(NOW.plus(INTERVAL.multipliedBy(9).dividedBy(10)));
      assertThat(d.nextRun()).isBeforeOrEqualTo(NOW.plus(Duration.ofHours(1)));
    }
  }

  @Test
  void goneStops() {
    assertThat(policy.decide(Reports.failed("t", "f", FailureReason.GONE, null), INTERVAL, 0, NOW, random).isStop())
        .isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = SyncOutcome.class, names = {"STALE", "SKIPPED"})
  void staleAndSkippedKeepTheCadenceAndTheFailureCount(SyncOutcome outcome) {
    Decision d = policy.decide(Reports.of("t", "f", outcome), INTERVAL, 4, NOW, random);
    assertThat(d.failures()).isEqualTo(4);
    assertThat(d.nextRun()).isBetween(NOW.plus(INTERVAL.multipliedBy(9).dividedBy(10)),
        NOW.plus(INTERVAL.multipliedBy(11).dividedBy(10)));
  }

  @Test
  void zeroJitterGivesTheExactInterval() {
    ReschedulePolicy exact = new ReschedulePolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1));
    assertThat(exact.decide(Reports.of("t", "f", SyncOutcome.APPLIED), INTERVAL, 0, NOW, random).nextRun())
        .isEqualTo(NOW.plus(INTERVAL));
  }
}
