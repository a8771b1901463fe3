package dev.icssync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void hugeAddsTheHundredThousandFeedPointToTheScaleCurve() {
    assertThat(LoadOptions.parse("--full").scale()).containsExactly(100, 1_000, 10_000);
    assertThat(LoadOptions.parse("--full", "--huge").scale()).containsExactly(100, 1_000, 10_000, 100_000);
    assertThat(LoadOptions.parse("--huge", "--scale", "100,100000").scale()).containsExactly(100, 100_000);
    assertThat(LoadOptions.parse("--quick", "--huge").scale()).containsExactly(100, 400, 100_000);
  }

  @Test
  void pointsAboveTenThousandFeedsRunAtMostThreeAllNotModifiedCycles() {
    LoadOptions o = LoadOptions.parse("--full");
    assertThat(o.notModifiedCycles(10_000)).isEqualTo(5);
    assertThat(o.notModifiedCycles(100_000)).isEqualTo(3);
    LoadOptions one = LoadOptions.parse("--cycles-304", "1");
    assertThat(one.notModifiedCycles(100)).isEqualTo(1);
    assertThat(one.notModifiedCycles(100_000)).isEqualTo(1);
    assertThatThrownBy(() -> LoadOptions.parse("--cycles-304", "0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--cycles-304 must be positive");
  }
}
