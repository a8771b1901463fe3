package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportedCalendar;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.SyncLimiter;
import dev.icssync.tck.net.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Redis goes away under a running instance (through a proxy we cut), then comes back. */
@Tag("redis")
class RedisStopsMidTest {

  static ExportedCalendar cal(String s) {
    return ExportedCalendar.of(s.getBytes(StandardCharsets.UTF_8), "\"" + s + "\"", Instant.EPOCH, 1);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void degradesWhileDownAndReplaysInvalidationsWhenBack() throws Exception {
    RedisSupport.requireRedis();
    String prefix = RedisSupport.uniquePrefix();
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379);
        RedisCaches viaProxy = RedisCaches.builder("redis://127.0.0.1:" + proxy.port())
            .keyPrefix(prefix).commandTimeout(Duration.ofMillis(200)).coolDown(Duration.ZERO).build();
        RedisCaches direct = RedisCaches.builder(RedisSupport.URI).keyPrefix(prefix).build()) {
      RedisSupport.awaitAvailable(viaProxy);
      RedisSupport.awaitAvailable(direct);
      ExportCache a = viaProxy.exportCache();
      ExportCache b = direct.exportCache();
      SyncLimiter limiter = viaProxy.tenantLimiter(1000, Duration.ofHours(1));
      a.put("v", "t", "p", cal("one"));
      assertThat(b.get("v")).isPresent();

      proxy.cut();
      long failuresBefore = a.stats().failures();
      Optional<ExportedCalendar> whileDown = a.get("v");
      assertThat(whileDown).isEmpty(); // a miss, not an exception
      a.invalidate("t", "p"); // a sync on the cut instance: queued
      assertThat(limiter.tryAcquire("t")).isTrue(); // admitted by the local bucket
      assertThat(a.stats().failures()).isGreaterThan(failuresBefore);
      assertThat(b.get("v")).as("not yet invalidated in Redis").isPresent();

      proxy.restore();
      try (java.net.Socket probe = new java.net.Socket("127.0.0.1", proxy.port())) {
        probe.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        probe.setSoTimeout(2000);
        byte[] buf = new byte[7];
        int n = probe.getInputStream().read(buf);
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).as("proxy restored").startsWith("+PONG");
      }
      // the next use reconnects and replays the queued invalidation first
      await(() -> a.get("other").isEmpty() && viaProxy.isAvailable() && b.get("v").isEmpty());
      assertThat(a.get("v")).isEmpty(); // a fresh render starts after the invalidation
      a.put("v", "t", "p", cal("two"));
      await(() -> b.get("v").isPresent());
      assertThat(b.get("v")).map(ExportedCalendar::etag).contains("\"two\"");
    } finally {
      RedisSupport.deleteAll(prefix);
    }
  }
}
