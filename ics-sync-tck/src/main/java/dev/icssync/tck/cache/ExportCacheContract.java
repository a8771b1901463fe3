package dev.icssync.tck.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportedCalendar;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.ExportCache;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ExportCache}: what the export path relies on from every cache. Extend it
 * and return the cache under test:
 *
 * <pre>{@code
 * class MyExportCacheContractTest extends ExportCacheContract {
 *   @Override
 *   protected ExportCache createCache() {
 *     return MyCaches.exportCache();
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #createCache()} is called before every test; tests use fresh random tenant names and
 * view keys, so a cache shared with others (a Redis server) is fine. Statistics are checked by how much
 * they grow over a known sequence, so the cache under test must not be used by others meanwhile.
 */
public abstract class ExportCacheContract {

  protected ExportCache cache;
  protected String tenant;

  /** The cache under test. */
  protected abstract ExportCache createCache();

  /** Releases what {@link #createCache()} made; called after every test. */
  protected void closeCache(ExportCache cache) {}

  @BeforeEach
  void setUpCache() {
    cache = createCache();
    tenant = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  @AfterEach
  void tearDownCache() {
    closeCache(cache);
  }

  protected String viewKey(String name) {
    return "view:" + tenant + ":" + name;
  }

  protected static ExportedCalendar calendar(String text) {
    byte[] body = ("BEGIN:VCALENDAR\r\n" + text + "\r\nEND:VCALENDAR\r\n")
        .getBytes(StandardCharsets.UTF_8);
    return ExportedCalendar.of(body, "\"" + Integer.toHexString(text.hashCode()) + "\"",
        Instant.parse("2026-02-03T04:05:06Z"), 1);
  }

  protected static void assertSame(Optional<ExportedCalendar> got, ExportedCalendar expected) {
    assertThat(got).as("cached export").isPresent();
    assertThat(got.get().body()).isEqualTo(expected.body());
    assertThat(got.get().etag()).isEqualTo(expected.etag());
    assertThat(got.get().lastModified()).isEqualTo(expected.lastModified());
    assertThat(got.get().eventCount()).isEqualTo(expected.eventCount());
  }

  /** A reader that writes into the body it got changes neither the cache nor other readers. */
  @Test
  void aReaderCannotChangeTheCachedBytes() {
    String key = viewKey("immutable");
    ExportedCalendar cal = calendar("X-IMMUTABLE:1");
    byte[] expected = cal.body();
    cache.put(key, tenant, "p1", cal);
    cache.get(key).orElseThrow().body()[0] = 'X';
    assertThat(cache.get(key).orElseThrow().body()).isEqualTo(expected);
    assertThat(cache.get(key).orElseThrow().bodyBuffer().isReadOnly()).isTrue();
  }

  @Test
  void missThenPutThenHit() {
    String key = viewKey("a");
    assertThat(cache.get(key)).isEmpty();
    ExportedCalendar cal = calendar("X-A:1");
    cache.put(key, tenant, "p1", cal);
    assertSame(cache.get(key), cal);
  }

  @Test
  void putReplacesTheEntry() {
    String key = viewKey("a");
    cache.get(key);
    cache.put(key, tenant, "p1", calendar("X-A:1"));
    ExportedCalendar newer = calendar("X-A:2");
    cache.put(key, tenant, "p1", newer);
    assertSame(cache.get(key), newer);
  }

  @Test
  void invalidateDropsEveryViewOfThePropertyAndNothingElse() {
    ExportedCalendar a = calendar("X-A:1");
    cache.put(viewKey("p1-all"), tenant, "p1", a);
    cache.put(viewKey("p1-airbnb"), tenant, "p1", a);
    cache.put(viewKey("p2-all"), tenant, "p2", a);
    String otherTenant = tenant + "x";
    cache.put(viewKey("other-p1"), otherTenant, "p1", a);

    cache.invalidate(tenant, "p1");

    assertThat(cache.get(viewKey("p1-all"))).isEmpty();
    assertThat(cache.get(viewKey("p1-airbnb"))).isEmpty();
    assertSame(cache.get(viewKey("p2-all")), a);
    assertSame(cache.get(viewKey("other-p1")), a);
  }

  @Test
  void aViewCanBeCachedAgainAfterInvalidation() {
    String key = viewKey("a");
    cache.put(key, tenant, "p1", calendar("X-A:1"));
    cache.invalidate(tenant, "p1");
    assertThat(cache.get(key)).isEmpty();
    ExportedCalendar fresh = calendar("X-A:2");
    cache.put(key, tenant, "p1", fresh);
    assertSame(cache.get(key), fresh);
  }

  /** A render that missed before a sync invalidated its property must not be served afterwards. */
  @Test
  void aRenderStartedBeforeAnInvalidationIsNotServed() {
    String key = viewKey("a");
    assertThat(cache.get(key)).isEmpty(); // render starts from the old events
    cache.invalidate(tenant, "p1"); // a sync commits
    cache.put(key, tenant, "p1", calendar("X-OLD:1")); // the old render finishes
    assertThat(cache.get(key)).isEmpty();
  }

  @Test
  void invalidatingAnUnknownPropertyIsHarmless() {
    cache.invalidate(tenant, "never-cached");
    assertThat(cache.get(viewKey("x"))).isEmpty();
  }

  @Test
  void bodiesRoundTripByteForByte() {
    byte[] body = new byte[512 * 1024];
    new Random(42).nextBytes(body);
    ExportedCalendar cal = ExportedCalendar.of(body, "\"big\"", Instant.EPOCH, 0);
    String key = viewKey("big");
    cache.put(key, tenant, "p1", cal);
    assertSame(cache.get(key), cal);
  }

  /**
   * Statistics count exactly the hits and misses of a known sequence (the metrics binding exposes
   * them): a cache that keeps none, or counts a lookup twice, fails.
   */
  @Test
  void statisticsCountHitsAndMisses() {
    CacheStats before = cache.stats();
    String key = viewKey("a");
    cache.get(key); // miss
    cache.put(key, tenant, "p1", calendar("X-A:1"));
    cache.get(key); // hit
    cache.get(key, tenant, "p1"); // hit
    cache.get(viewKey("b")); // miss
    cache.get(viewKey("c"), tenant, "p2"); // miss
    CacheStats after = cache.stats();
    assertThat(after.hits() - before.hits()).as("hits").isEqualTo(2);
    assertThat(after.misses() - before.misses()).as("misses").isEqualTo(3);
  }

  /**
   * The render race across threads, through the export path's {@code get(viewKey, tenant,
   * property)}: render 1 misses, a sync invalidates, render 2 misses, render 1 puts the old body,
   * render 2 puts the new one. The old body is never served; the new one is.
   */
  @Test
  void aRenderStartedBeforeAnInvalidationLosesEvenAfterALaterMiss() throws Exception {
    String key = viewKey("a");
    ExecutorService render1 = Executors.newSingleThreadExecutor();
    try {
      assertThat(render1.submit(() -> cache.get(key, tenant, "p1")).get(10, TimeUnit.SECONDS))
          .isEmpty();
      cache.invalidate(tenant, "p1");
      assertThat(cache.get(key, tenant, "p1")).isEmpty(); // render 2 starts from the new events
      render1.submit(() -> cache.put(key, tenant, "p1", calendar("X-OLD:1")))
          .get(10, TimeUnit.SECONDS);
      assertThat(cache.get(key, tenant, "p1")).as("old render served").isEmpty();
      ExportedCalendar fresh = calendar("X-NEW:1");
      cache.put(key, tenant, "p1", fresh);
      assertSame(cache.get(key, tenant, "p1"), fresh);
    } finally {
      render1.shutdownNow();
    }
  }

  /** The race through the export path's lookup, on one thread. */
  @Test
  void aRenderStartedBeforeAnInvalidationIsNotServedThroughThePropertyLookup() {
    String key = viewKey("a");
    assertThat(cache.get(key, tenant, "p1")).isEmpty();
    cache.invalidate(tenant, "p1");
    cache.put(key, tenant, "p1", calendar("X-OLD:1"));
    assertThat(cache.get(key, tenant, "p1")).isEmpty();
    assertThat(cache.get(key)).isEmpty();
  }

  @Test
  void concurrentUseNeverThrowsAndNeverMixesViews() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            String name = "v" + (i % 5);
            String key = viewKey(name);
            Optional<ExportedCalendar> got = cache.get(key);
            got.ifPresent(c -> assertThat(new String(c.body(), StandardCharsets.UTF_8))
                .contains("X-VIEW:" + name));
            if (got.isEmpty()) {
              cache.put(key, tenant, "p" + (i % 2), calendar("X-VIEW:" + name));
            }
            if (i % 10 == thread) {
              cache.invalidate(tenant, "p" + (i % 2));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
