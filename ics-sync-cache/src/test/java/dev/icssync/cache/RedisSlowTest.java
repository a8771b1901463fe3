package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncLimiter;
import dev.icssync.tck.net.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Redis accepts connections but stops answering (a proxy that holds every byte): every call returns
 * a miss or a degraded result within a few command timeouts, the failure is counted, and syncs and
 * exports keep working.
 */
@Tag("redis")
class RedisSlowTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  // generous for a loaded machine, yet far below "waits for Redis": a stalled call never returns
  private static final Duration BOUND = TIMEOUT.multipliedBy(5);
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-10T12:00:00Z"), ZoneOffset.UTC);

  private static <T> T within(String what, RedisCaches redis, Supplier<T> call) {
    long failures = redis.exportCache().stats().failures();
    long start = System.nanoTime();
    T result = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("%s returned within %s", what, BOUND).isLessThan(BOUND);
    assertThat(redis.exportCache().stats().failures()).as("%s counted as a failure", what)
        .isGreaterThan(failures);
    return result;
  }

  private static ExportedCalendar cal(String s) {
    return ExportedCalendar.of(s.getBytes(StandardCharsets.UTF_8), "\"" + s + "\"", Instant.EPOCH, 1);
  }

  private static String calendar(int stays) {
    StringBuilder b = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for (int i = 0; i < stays; i++) {
      b.append("BEGIN:VEVENT\r\nUID:stay").append(i).append("@test\r\nDTSTART;VALUE=DATE:202607")
          .append(String.format("%02d", 1 + 3 * i)).append("\r\nDTEND;VALUE=DATE:202607")
          .append(String.format("%02d", 3 + 3 * i)).append("\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n");
    }
    return b.append("END:VCALENDAR\r\n").toString();
  }

  @Test
  void everyCallDegradesWithinTheTimeoutAndIsCounted() throws Exception {
    RedisSupport.requireRedis();
    String prefix = RedisSupport.uniquePrefix();
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379);
        RedisCaches redis = RedisCaches.builder("redis://127.0.0.1:" + proxy.port()).keyPrefix(prefix)
            .commandTimeout(TIMEOUT).coolDown(Duration.ZERO).build()) {
      ExportCache cache = redis.exportCache();
      SyncLimiter limiter = redis.tenantLimiter(100, Duration.ofHours(1));
      FeedFetcher polite = redis.politeFetcher(r -> FetchResult.Fetched.of(new byte[] {1}), 100,
          Duration.ofSeconds(1), Duration.ZERO);
      Feed feed = Feed.builder("t", "f").property("p").source("airbnb").url("https://h.example/x.ics").build();
      RedisSupport.awaitAvailable(redis);
      // healthy first: connected, shared, limited through Redis
      assertThat(cache.get("v", "t", "p")).isEmpty();
      cache.put("v", "t", "p", cal("one"));
      assertThat(cache.get("v", "t", "p")).isPresent();
      assertThat(limiter.tryAcquire("t")).isTrue();
      assertThat(polite.fetch(FetchRequest.unconditional(feed))).isInstanceOf(FetchResult.Fetched.class);
      assertThat(cache.stats().failures()).isZero();

      proxy.stall(); // the connection stays open; nothing comes back
      long misses = cache.stats().misses();
      assertThat(within("get", redis, () -> cache.get("v", "t", "p"))).isEmpty();
      assertThat(within("get(viewKey)", redis, () -> cache.get("v"))).isEmpty();
      assertThat(cache.stats().misses()).isEqualTo(misses + 2);
      within("put", redis, () -> {
        cache.put("v", "t", "p", cal("two"));
        return null;
      });
      within("invalidate", redis, () -> {
        cache.invalidate("t", "p");
        return null;
      });
      assertThat(within("tenant limiter", redis, () -> limiter.tryAcquire("t")))
          .as("admitted by the local log").isTrue();
      assertThat(within("polite fetch", redis, () -> polite.fetch(FetchRequest.unconditional(feed))))
          .isInstanceOf(FetchResult.Fetched.class);

      proxy.resume(); // the queued invalidation reaches Redis on the next use
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!redis.isAvailable() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(cache.get("v", "t", "p")).as("entry from before the invalidation").isEmpty();
    } finally {
      RedisSupport.deleteAll(prefix);
    }
  }

  @Test
  void syncsAndExportsKeepWorkingWhileRedisStalls() throws Exception {
    RedisSupport.requireRedis();
    String prefix = RedisSupport.uniquePrefix();
    Store store = Store.inMemory();
    java.util.Map<String, String> bodies = new java.util.concurrent.ConcurrentHashMap<>();
    FeedFetcher feeds = r -> FetchResult.Fetched.of(bodies.get(r.feed().id())
        .getBytes(StandardCharsets.UTF_8));
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379);
        RedisCaches redis = RedisCaches.builder("redis://127.0.0.1:" + proxy.port()).keyPrefix(prefix)
            .commandTimeout(TIMEOUT).coolDown(Duration.ZERO).build();
        IcsSync sync = IcsSync.builder().store(store).clock(CLOCK)
            .exportCache(redis.exportCache())
            .limiter(redis.tenantLimiter(100, Duration.ofHours(1)))
            .fetcher(redis.politeFetcher(feeds, 100, Duration.ofSeconds(1), Duration.ZERO))
            .build()) {
      RedisSupport.awaitAvailable(redis);
      store.saveFeed(Feed.builder("t", "f").property("villa").source("airbnb").url("https://cal.example.com/f.ics").build());
      bodies.put("f", calendar(2));
      assertThat(sync.syncFeed("t", "f").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(sync.export(ExportView.forProperty("t", "villa")).eventCount()).isEqualTo(2);

      proxy.stall();
      bodies.put("f", calendar(3));
      long failures = redis.exportCache().stats().failures();
      assertThat(sync.syncFeed("t", "f").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(sync.export(ExportView.forProperty("t", "villa")).eventCount()).isEqualTo(3);
      assertThat(redis.exportCache().stats().failures()).isGreaterThan(failures);
    } finally {
      RedisSupport.deleteAll(prefix);
    }
  }
}
