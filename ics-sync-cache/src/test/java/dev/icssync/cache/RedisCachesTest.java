package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.ExportedCalendar;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.SyncLimiter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two "instances" (two RedisCaches on one prefix) against the real Redis. */
@Tag("redis")
class RedisCachesTest {
  private String prefix;
  private RedisCaches a;
  private RedisCaches b;

  @BeforeEach
  void setUp() {
    RedisSupport.requireRedis();
    prefix = RedisSupport.uniquePrefix();
    a = instance(prefix);
    b = instance(prefix);
    // both instances reach Redis before anything is checked: sharing is the promise here, not how
    // fast a first connect is on a loaded machine (connects go on in the background)
    RedisSupport.awaitAvailable(a);
    RedisSupport.awaitAvailable(b);
  }

  /**
   * These tests check what two instances share, not timeouts (RedisSlowTest and
   * RedisConnectTimeoutTest do): generous timeouts keep a loaded machine from degrading a call to
   * the per-instance fallback, which would look like a sharing bug.
   */
  static RedisCaches instance(String prefix) {
    return RedisCaches.builder(RedisSupport.URI).keyPrefix(prefix).connectTimeout(Duration.ofSeconds(30))
        .commandTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void tearDown() {
    if (a != null) {
      a.close();
      b.close();
      RedisSupport.deleteAll(prefix);
    }
  }

  static ExportedCalendar cal(String s) {
    return ExportedCalendar.of(s.getBytes(StandardCharsets.UTF_8), "\"" + s + "\"",
        Instant.parse("2026-01-01T00:00:00Z"), 1);
  }

  /** Waits up to 5 s until {@code c} has heard more invalidation messages than {@code before}. */
  static void awaitHeard(RedisExportCache c, long before) {
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
        .untilAsserted(() -> assertThat(c.invalidationsHeard()).isGreaterThan(before));
  }

  @Test
  void instancesShareExportsAndSeeEachOthersInvalidations() throws Exception {
    ExportCache ca = a.exportCache();
    ExportCache cb = b.exportCache();
    assertThat(ca.get("v1")).isEmpty();
    ca.put("v1", "t1", "p1", cal("one"));
    assertThat(cb.get("v1")).map(c -> new String(c.body(), StandardCharsets.UTF_8)).contains("one");

    long heard = ((RedisExportCache) ca).invalidationsHeard();
    cb.invalidate("t1", "p1"); // a sync on instance B
    // A renders after it heard of B's sync: a render started before that would rightly lose
    awaitHeard((RedisExportCache) ca, heard);
    assertThat(ca.get("v1")).isEmpty();
    assertThat(cb.get("v1")).isEmpty();

    ca.put("v1", "t1", "p1", cal("two"));
    assertThat(cb.get("v1")).map(ExportedCalendar::etag).contains("\"two\"");
    assertThat(ca.stats().hits()).isZero();
    assertThat(cb.stats().hits()).isEqualTo(2);
    assertThat(ca.stats().failures()).isZero();
  }

  @Test
  void aRenderOnOneInstanceIsNotCachedAfterAnotherInstancesSync() throws Exception {
    ExportCache ca = a.exportCache();
    ExportCache cb = b.exportCache();
    cb.get("warm-up"); // both connected and subscribed
    assertThat(ca.get("v1")).isEmpty(); // A starts rendering from old events
    long heard = ((RedisExportCache) ca).invalidationsHeard();
    cb.invalidate("t1", "p1"); // B's sync commits
    awaitHeard((RedisExportCache) ca, heard);
    ca.put("v1", "t1", "p1", cal("old")); // A's render finishes
    assertThat(cb.get("v1")).isEmpty();
  }

  /**
   * B's sync lands between A's miss and A's put, and A has not heard of it (the generation is bumped
   * through a third connection, so no message reaches A's guard): A's render must still lose.
   */
  @Test
  void aRenderIsStoredUnderTheGenerationItsMissSaw() {
    ExportCache ca = a.exportCache();
    ExportCache cb = b.exportCache();
    assertThat(ca.get("v1", "t1", "p1")).isEmpty(); // A starts rendering from old events
    long heard = ((RedisExportCache) ca).invalidationsHeard();
    io.lettuce.core.RedisClient third = io.lettuce.core.RedisClient.create(RedisSupport.URI);
    try (var c = third.connect()) {
      String gk = prefix + "g:" + RedisExportCache.sha256Hex("t1\u0000p1")
          .substring(0, 32);
      assertThat(c.sync().incr(gk)).isEqualTo(1); // B's sync commits
    } finally {
      third.shutdown();
    }
    ca.put("v1", "t1", "p1", cal("old")); // A's render finishes
    assertThat(((RedisExportCache) ca).invalidationsHeard()).isEqualTo(heard);
    assertThat(ca.get("v1", "t1", "p1")).isEmpty();
    assertThat(cb.get("v1", "t1", "p1")).isEmpty();
    assertThat(cb.get("v1")).isEmpty();
    // a render that starts now is cached and shared
    cb.put("v1", "t1", "p1", cal("new"));
    assertThat(ca.get("v1", "t1", "p1")).map(ExportedCalendar::etag).contains("\"new\"");
  }

  @Test
  void tenantRateLimitHoldsAcrossInstances() {
    SyncLimiter la = a.tenantLimiter(5, Duration.ofHours(1));
    SyncLimiter lb = b.tenantLimiter(5, Duration.ofHours(1));
    int admitted = 0;
    for (int i = 0; i < 12; i++) {
      if ((i % 2 == 0 ? la : lb).tryAcquire("tenant-a")) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(5);
    assertThat(lb.tryAcquire("tenant-b")).isTrue();
  }

  @Test
  void hostPolitenessIsSharedByWorkers() {
    AtomicInteger fetched = new AtomicInteger();
    FeedFetcher real = r -> {
      fetched.incrementAndGet();
      return FetchResult.Fetched.of("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".getBytes());
    };
    FeedFetcher wa = a.politeFetcher(real, 2, Duration.ofHours(1), Duration.ZERO);
    FeedFetcher wb = b.politeFetcher(real, 2, Duration.ofHours(1), Duration.ZERO);
    Feed f1 = Feed.builder("t", "f1").property("p").source("airbnb").url("https://cal.example/a.ics?s=SECRET").build();
    Feed f2 = Feed.builder("t", "f2").property("p").source("airbnb").url("https://CAL.example/b.ics").build();
    Feed other = Feed.builder("t", "f3").property("p").source("vrbo").url("https://other.example/c.ics").build();
    assertThat(wa.fetch(FetchRequest.unconditional(f1))).isInstanceOf(FetchResult.Fetched.class);
    assertThat(wb.fetch(FetchRequest.unconditional(f2))).isInstanceOf(FetchResult.Fetched.class);
    FetchResult third = wa.fetch(FetchRequest.unconditional(f2));
    assertThat(third).isInstanceOfSatisfying(FetchResult.Failed.class, fail -> {
      assertThat(fail.reason()).isEqualTo(FailureReason.RATE_LIMITED);
      assertThat(fail.retryAfter()).isEqualTo(Duration.ofMinutes(30));
      assertThat(fail.message()).doesNotContain("SECRET");
    });
    assertThat(wb.fetch(FetchRequest.unconditional(other))).isInstanceOf(FetchResult.Fetched.class);
    assertThat(fetched).hasValue(3);
    assertThat(a.exportCache().stats().failures() + b.exportCache().stats().failures())
        .as("no call fell back to the per-instance buckets").isZero();
  }
}
