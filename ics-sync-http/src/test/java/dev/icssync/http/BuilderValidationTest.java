package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.IcsSyncException.ConfigurationException;
import org.junit.jupiter.api.Test;

/** Settings are checked in {@code build()}, each failure a ConfigurationException naming it. */
class BuilderValidationTest {

  @Test
  void aBlankUserAgentForAHostIsRefusedByBuildNotBySetting() {
    HttpFeedFetcher.Builder b = HttpFeedFetcher.builder();
    assertThatCode(() -> b.userAgent("airbnb.com", " ")).doesNotThrowAnyException();
    assertThatThrownBy(b::build).isInstanceOf(ConfigurationException.class).hasMessageContaining("userAgent");
    assertThatThrownBy(() -> HttpFeedFetcher.builder().userAgent(" ", "agent/1").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("host");
    assertThatThrownBy(() -> HttpFeedFetcher.builder().userAgent(" ").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("userAgent");
  }
}
