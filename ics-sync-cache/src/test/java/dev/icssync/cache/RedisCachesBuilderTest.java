package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.IcsSyncException.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder's settings are checked in {@code build()}, each failure a ConfigurationException naming it. */
class RedisCachesBuilderTest {

  @Test
  void settersOnlyStoreAndBuildRejectsNamingTheSetting() {
    assertThatCode(() -> RedisCaches.builder(" ").keyPrefix("").commandTimeout(Duration.ZERO))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> RedisCaches.builder(" ").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("redisUri");
    assertThatThrownBy(() -> RedisCaches.builder("redis://127.0.0.1:6379").keyPrefix(" ").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> RedisCaches.builder("redis://127.0.0.1:6379").commandTimeout(Duration.ZERO).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("commandTimeout");
  }

  @Test
  void aMalformedUriIsAConfigurationExceptionWithTheSecretRedacted() {
    assertThatThrownBy(() -> RedisCaches.builder("http://user:hunter2secret@host/0").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("redisUri")
        .hasMessageNotContaining("hunter2secret");
  }
}
