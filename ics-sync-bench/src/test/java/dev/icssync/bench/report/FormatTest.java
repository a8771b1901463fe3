package dev.icssync.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  void aDurationTakesTheUnitOfItsSizeWhateverItsSign() {
    assertThat(Format.duration(0.003334)).isEqualTo("3.33 ms");
    assertThat(Format.duration(0.000131)).isEqualTo("131 µs");
    // a fitted intercept below zero (noise around a small fixed cost) reads in the same unit, not in ns
    assertThat(Format.duration(-0.003334)).isEqualTo("-3.33 ms");
    assertThat(Format.duration(-0.000688)).isEqualTo("-688 µs");
    assertThat(Format.duration(2.5)).isEqualTo("2.50 s");
  }
}
