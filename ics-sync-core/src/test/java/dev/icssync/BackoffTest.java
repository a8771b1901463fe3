package dev.icssync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration MIN = Duration.ofMinutes(1);

  @Test
  void doublesPerFailureUpToTheCap() {
    Backoff b = Backoff.exponential(MIN, Duration.ofHours(1));
    assertThat(b.delay(0)).isEqualTo(MIN);
    assertThat(b.delay(1)).isEqualTo(MIN);
    assertThat(b.delay(3)).isEqualTo(Duration.ofMinutes(4));
    assertThat(b.delay(7)).isEqualTo(Duration.ofMinutes(60));
    assertThat(b.delay(8)).isEqualTo(Duration.ofHours(1));
    assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void fullJitterStaysBetweenTheBaseAndTheDelay() {
    Backoff b = Backoff.exponential(MIN, Duration.ofHours(1));
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 1; n < 12; n++) {
      for (int i = 0; i < 50; i++) {
        assertThat(b.jitteredDelay(n, random)).isBetween(MIN, b.delay(n));
      }
    }
    assertThat(b.jitteredDelay(1, random)).isEqualTo(MIN);
  }

  @Test
  void rejectsABaseThatIsNotPositiveAndACapBelowIt() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, MIN))
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("backoffBase");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofMinutes(5), MIN))
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("backoffCap");
  }
}
