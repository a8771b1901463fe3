package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportedCalendar;
import dev.icssync.Feed;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.SyncLimiter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Redis on a closed port: everything degrades, nothing throws. Needs no Redis. */
class RedisUnreachableTest {

  @Test
  void cachesDegradeToMissesAndLimitsToLocalBuckets() throws Exception {
    int port = RedisSupport.closedPort();
    try (RedisCaches redis = RedisCaches.builder("redis://127.0.0.1:" + port)
        .commandTimeout(Duration.ofMillis(200)).keyPrefix("icssync:down:").build()) {
      ExportCache cache = redis.exportCache();
      assertThat(cache.get("v")).isEmpty();
      cache.put("v", "t", "p", ExportedCalendar.of(new byte[] {1}, "\"e\"", Instant.EPOCH, 0));
      cache.invalidate("t", "p");
      assertThat(cache.get("v")).isEmpty();
      assertThat(cache.stats().failures()).isPositive();
      assertThat(cache.stats().misses()).isEqualTo(2);
      assertThat(redis.isAvailable()).isFalse();

      // the limiter admits within a local budget of the same shape, then refuses
      SyncLimiter limiter = redis.tenantLimiter(3, Duration.ofHours(1));
      int admitted = 0;
      for (int i = 0; i < 5; i++) {
        admitted += limiter.tryAcquire("t") ? 1 : 0;
      }
      assertThat(admitted).isEqualTo(3);

      FeedFetcher polite = redis.politeFetcher(
          r -> FetchResult.Fetched.of(new byte[] {1}), 10, Duration.ofSeconds(1), Duration.ZERO);
      assertThat(polite.fetch(FetchRequest.unconditional(
          Feed.builder("t", "f").property("p").source("airbnb").url("https://h.example/x.ics").build())))
          .isInstanceOf(FetchResult.Fetched.class);
    }
  }
}
