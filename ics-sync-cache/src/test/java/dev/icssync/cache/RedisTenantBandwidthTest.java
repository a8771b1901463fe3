package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.Feed;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The per-tenant bandwidth limit shared by two "workers" (two RedisCaches) through Redis. Waits are
 * asserted from below only: a busy machine makes them longer, never shorter.
 */
@Tag("redis")
class RedisTenantBandwidthTest {
  static final long RATE = 1_000_000; // bytes a second
  static final int BODY = 1_000_000;

  private String prefix;
  private RedisCaches a;
  private RedisCaches b;
  private final AtomicInteger calls = new AtomicInteger();
  private final FeedFetcher bodies = r -> {
    calls.incrementAndGet();
    return FetchResult.Fetched.of(new byte[BODY]);
  };

  @BeforeEach
  void setUp() {
    RedisSupport.requireRedis();
    prefix = RedisSupport.uniquePrefix();
    a = RedisSupport.connected(prefix, x -> x);
    b = RedisSupport.connected(prefix, x -> x);
  }

  @AfterEach
  void tearDown() {
    if (b != null) {
      RedisSupport.closeAll(prefix, a, b);
    }
  }

  static FetchRequest request(String tenant) {
    return FetchRequest.unconditional(Feed.builder(tenant, "f").property("villa").source("airbnb")
        .url("https://example.test/f.ics").build());
  }

  private static long millisOf(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void aTenantsDebtOnOneWorkerMakesTheOtherWorkerWait() {
    FeedFetcher onA = a.tenantBandwidth(bodies, RATE);
    FeedFetcher onB = b.tenantBandwidth(bodies, RATE);
    onA.fetch(request("t1")); // goes at once: the bucket owes nothing
    onA.fetch(request("t1")); // waits for the first MB, then owes its own
    // worker B's fetch of the same tenant waits for worker A's second MB: about a second
    assertThat(millisOf(() -> onB.fetch(request("t1")))).isGreaterThanOrEqualTo(800);
    assertThat(calls).hasValue(3);
  }

  @Test
  void anotherTenantAndANotModifiedDoNotWait() {
    FeedFetcher onA = a.tenantBandwidth(bodies, RATE);
    onA.fetch(request("t1"));
    AtomicInteger notModified = new AtomicInteger();
    FeedFetcher onB = b.tenantBandwidth(r -> {
      notModified.incrementAndGet();
      return new FetchResult.NotModified("\"v1\"", null, null);
    }, RATE);
    // t1 owes a second now; t2 owes nothing; and 304s never put t2 into debt
    long t2 = millisOf(() -> {
      for (int i = 0; i < 50; i++) {
        onB.fetch(request("t2"));
      }
    });
    long t1 = millisOf(() -> onB.fetch(request("t1")));
    assertThat(notModified).hasValue(51);
    assertThat(t1).isGreaterThanOrEqualTo(800);
    // 50 fetches that never waited for a bucket: each a Redis round trip, far below t1's second of debt
    assertThat(t2).isLessThan(t1 + 800);
  }

  @Test
  void withRedisUnreachableEachInstanceStillKeepsTheLimit() throws Exception {
    try (RedisCaches down = RedisCaches.builder("redis://127.0.0.1:" + RedisSupport.closedPort()).build()) {
      FeedFetcher fetcher = down.tenantBandwidth(bodies, RATE);
      assertThat(fetcher.fetch(request("t1"))).isInstanceOf(FetchResult.Fetched.class);
      assertThat(millisOf(() -> fetcher.fetch(request("t1")))).isGreaterThanOrEqualTo(800);
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void theRateMustBePositive() {
    assertThatThrownBy(() -> a.tenantBandwidth(bodies, 0)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("bytesPerSecond");
  }
}
