package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.spi.SyncLimiter;
import dev.icssync.tck.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The per-tenant limit is a sliding window across two "instances", on a clock the test moves. */
@Tag("redis")
class RedisTenantLimitTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private String prefix;
  private RedisCaches a;
  private RedisCaches b;

  @BeforeEach
  void setUp() {
    RedisSupport.requireRedis();
    prefix = RedisSupport.uniquePrefix();
    a = RedisSupport.connected(prefix, x -> x.clock(clock));
    b = RedisSupport.connected(prefix, x -> x.clock(clock));
  }

  @AfterEach
  void tearDown() {
    if (b != null) {
      RedisSupport.closeAll(prefix, a, b);
    }
  }

  private static int tryMany(SyncLimiter x, SyncLimiter y, String tenant, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      admitted += (i % 2 == 0 ? x : y).tryAcquire(tenant) ? 1 : 0;
    }
    return admitted;
  }

  @Test
  void aFullWindowStaysFullUntilItsAdmissionsSlideOut() {
    SyncLimiter la = a.tenantLimiter(5, HOUR);
    SyncLimiter lb = b.tenantLimiter(5, HOUR);
    assertThat(tryMany(la, lb, "t", 3)).isEqualTo(3); // 10:00
    clock.advance(Duration.ofMinutes(30));
    assertThat(tryMany(la, lb, "t", 6)).isEqualTo(2); // 10:30: the window holds 5
    clock.advance(Duration.ofMinutes(29));
    // 10:59: a token bucket would have refilled most of its tokens by now
    assertThat(tryMany(la, lb, "t", 6)).isZero();
    clock.advance(Duration.ofMinutes(1));
    // 11:00: the three of 10:00 slid out, the two of 10:30 still count
    assertThat(tryMany(la, lb, "t", 6)).isEqualTo(3);
    clock.advance(Duration.ofMinutes(30));
    assertThat(tryMany(la, lb, "t", 6)).isEqualTo(2); // 11:30: the two of 10:30 slid out
    assertThat(lb.tryAcquire("other-tenant")).isTrue();
    assertThat(a.exportCache().stats().failures()).isZero();
  }

  /** Random arrivals over four hours on both instances: no window of an hour admits more than 5. */
  @Test
  void noSlidingWindowEverAdmitsMoreThanTheLimit() {
    SyncLimiter la = a.tenantLimiter(5, HOUR);
    SyncLimiter lb = b.tenantLimiter(5, HOUR);
    Random random = new Random(7);
    List<Instant> admitted = new ArrayList<>();
    Instant end = clock.instant().plus(Duration.ofHours(4));
    int attempts = 0;
    while (clock.instant().isBefore(end)) {
      clock.advance(Duration.ofSeconds(1 + random.nextInt(600)));
      attempts++;
      if ((random.nextBoolean() ? la : lb).tryAcquire("t")) {
        admitted.add(clock.instant());
      }
    }
    assertThat(attempts).isGreaterThan(40);
    for (Instant start : admitted) {
      long inWindow = admitted.stream()
          .filter(t -> !t.isBefore(start) && t.isBefore(start.plus(HOUR))).count();
      assertThat(inWindow).as("admissions in the hour from %s", start).isLessThanOrEqualTo(5);
    }
    // and capacity came back: four hours admit more than one window's worth
    assertThat(admitted.size()).isGreaterThan(15);
  }
}
