package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import dev.icssync.tck.net.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The engine wired to Redis caches (shared export cache, tenant limiter, host politeness) keeps
 * syncing and serving correct exports while Redis is down, and no export from before the outage is
 * served after a sync changed the property, also once Redis is back.
 */
class RedisDownSyncTest {
  static final String T = "t1";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-10T12:00:00Z"), ZoneOffset.UTC);

  static String calendar(int stays) {
    StringBuilder b = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for (int i = 0; i < stays; i++) {
      b.append("BEGIN:VEVENT\r\nUID:stay").append(i).append("@test\r\nDTSTART;VALUE=DATE:202607")
          .append(String.format("%02d", 1 + 3 * i)).append("\r\nDTEND;VALUE=DATE:202607")
          .append(String.format("%02d", 3 + 3 * i)).append("\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n");
    }
    return b.append("END:VCALENDAR\r\n").toString();
  }

  /** Bodies per feed id, changed by the test. */
  static final class Feeds {
    final Map<String, String> bodies = new ConcurrentHashMap<>();

    FetchResult fetch(dev.icssync.spi.FetchRequest r) {
      return FetchResult.Fetched.of(bodies.get(r.feed().id()).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static IcsSync engine(Store store, RedisCaches redis, Feeds feeds) {
    return IcsSync.builder().store(store).clock(CLOCK)
        .exportCache(redis.exportCache())
        .limiter(redis.tenantLimiter(100, Duration.ofHours(1)))
        .fetcher(redis.politeFetcher(feeds::fetch, 100, Duration.ofSeconds(1), Duration.ZERO))
        .build();
  }

  /** What the export must be: rendered from the store with no cache at all. */
  private static ExportedCalendar truth(Store store, String property) {
    try (IcsSync plain = IcsSync.builder().store(store).clock(CLOCK)
        .fetcher(r -> FetchResult.Failed.of(dev.icssync.FailureReason.NETWORK, "unused")).build()) {
      return plain.export(ExportView.forProperty(T, property));
    }
  }

  private static void assertFresh(IcsSync sync, Store store, String property) {
    ExportedCalendar served = sync.export(ExportView.forProperty(T, property));
    ExportedCalendar expected = truth(store, property);
    assertThat(served.etag()).as("export of %s", property).isEqualTo(expected.etag());
    assertThat(served.body()).isEqualTo(expected.body());
  }

  @Test
  void syncsAndExportsContinueWhenRedisIsUnreachable() throws Exception {
    Store store = Store.inMemory();
    Feeds feeds = new Feeds();
    try (RedisCaches redis = RedisCaches.builder("redis://127.0.0.1:" + RedisSupport.closedPort())
            .commandTimeout(Duration.ofMillis(200)).keyPrefix("icssync:down:").build();
        IcsSync sync = engine(store, redis, feeds)) {
      store.saveFeed(Feed.builder(T, "f").property("villa").source("airbnb").url("https://cal.example.com/f.ics?t=x").build());
      feeds.bodies.put("f", calendar(2));
      assertThat(sync.syncFeed(T, "f").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertFresh(sync, store, "villa");
      assertThat(sync.export(ExportView.forProperty(T, "villa")).eventCount()).isEqualTo(2);

      feeds.bodies.put("f", calendar(3));
      assertThat(sync.syncFeed(T, "f").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertFresh(sync, store, "villa");
      assertThat(sync.export(ExportView.forProperty(T, "villa")).eventCount()).isEqualTo(3);
      assertThat(redis.isAvailable()).isFalse();
      assertThat(redis.exportCache().stats().failures()).isPositive();
    }
  }

  /**
   * A sync worker and an export server share Redis, which goes down (for both, through one proxy)
   * and comes back. The worker syncs a change while Redis is down, so its invalidation can only be
   * queued; after Redis is back the worker goes on syncing (another property) but serves no export
   * itself. The server must not serve the render it cached before the outage.
   */
  @Test
  @Tag("redis")
  void anInvalidationQueuedWhileRedisWasDownReachesTheOtherInstancesWhenItIsBack() throws Exception {
    RedisSupport.requireRedis();
    String prefix = RedisSupport.uniquePrefix();
    Store store = Store.inMemory();
    Feeds feeds = new Feeds();
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379);
        RedisCaches workerRedis = RedisCaches.builder("redis://127.0.0.1:" + proxy.port()).keyPrefix(prefix)
            .commandTimeout(Duration.ofMillis(300)).coolDown(Duration.ZERO).build();
        RedisCaches serverRedis = RedisCaches.builder("redis://127.0.0.1:" + proxy.port()).keyPrefix(prefix)
            .commandTimeout(Duration.ofMillis(300)).coolDown(Duration.ZERO).build();
        IcsSync worker = engine(store, workerRedis, feeds);
        IcsSync server = engine(store, serverRedis, feeds)) {
      RedisSupport.awaitAvailable(workerRedis);
      RedisSupport.awaitAvailable(serverRedis);
      store.saveFeed(Feed.builder(T, "f").property("villa").source("airbnb").url("https://cal.example.com/f.ics?t=x").build());
      store.saveFeed(Feed.builder(T, "g").property("chalet").source("airbnb").url("https://cal.example.com/g.ics?t=y").build());
      feeds.bodies.put("f", calendar(2));
      feeds.bodies.put("g", calendar(1));
      assertThat(worker.syncFeed(T, "f").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertFresh(server, store, "villa"); // rendered and cached in Redis
      long hits = serverRedis.exportCache().stats().hits();
      assertFresh(server, store, "villa");
      assertThat(serverRedis.exportCache().stats().hits()).as("served from Redis").isEqualTo(hits + 1);

      proxy.cut();
      feeds.bodies.put("f", calendar(3));
      assertThat(worker.syncFeed(T, "f").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertFresh(server, store, "villa"); // Redis down: rendered from the store
      assertFresh(worker, store, "villa");

      proxy.restore();
      feeds.bodies.put("g", calendar(2));
      assertThat(worker.syncFeed(T, "g").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(workerRedis.isAvailable()).isTrue();
      assertFresh(server, store, "villa");
      assertFresh(server, store, "chalet");
      assertThat(server.export(ExportView.forProperty(T, "villa")).eventCount()).isEqualTo(3);
    } finally {
      RedisSupport.deleteAll(prefix);
    }
  }
}
