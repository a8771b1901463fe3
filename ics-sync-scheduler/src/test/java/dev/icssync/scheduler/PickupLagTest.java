package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measure the timing tests widen their bounds by: a starved run still stands out under load. */
class PickupLagTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aLoadedMachineDelaysEveryRunAlikeAndAStarvedRunStandsOut() {
    List<PickupLag.Run> runs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Instant due = T0.plusMillis(i * 20L);
      // a shared lag growing from 0 to 3 s, as on a machine that falls behind, plus a little noise
      long shared = i * 10L + (i % 7) * 30L;
      runs.add(new PickupLag.Run("f" + i, due, due.plusMillis(shared)));
    }
    Instant due = T0.plusMillis(2_000);
    PickupLag.Run starved = new PickupLag.Run("starved", due, due.plusMillis(7_000));
    runs.add(starved);
    PickupLag lag = new PickupLag(runs);

    assertThat(lag.worstShared()).isBetween(Duration.ofMillis(2_500), Duration.ofMillis(3_300));
    assertThat(lag.excessAbove(Duration.ofMillis(2_000))).isEqualTo(1);
    assertThat(lag.excess(starved)).isGreaterThan(Duration.ofSeconds(4));
    // a fixed bound of 2 s on lateness would have failed most of these runs
    assertThat(runs.stream().filter(r -> r.late().compareTo(Duration.ofSeconds(2)) > 0).count()).isGreaterThan(90);
    assertThat(lag.sharedAt(T0.minusSeconds(60))).isEqualTo(Duration.ZERO);
  }

  @Test
  void catchingUpOnABacklogOldestFirstIsNotExcess() {
    // 500 runs due over 5 s, all started within one second 15 s later, oldest first
    List<PickupLag.Run> runs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Instant due = T0.plusMillis(i * 10L);
      runs.add(new PickupLag.Run("f" + i, due, T0.plusMillis(20_000 + i * 2L)));
    }
    PickupLag lag = new PickupLag(runs);
    assertThat(lag.excessAbove(Duration.ofMillis(500))).isZero();
    assertThat(lag.behindAt(T0.plusMillis(21_000))).isEqualTo(Duration.ofSeconds(20)); // the oldest, due at 0
  }
}
