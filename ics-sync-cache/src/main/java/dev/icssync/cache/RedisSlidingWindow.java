package dev.icssync.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An exact sliding-window limit shared through Redis: at most {@code limit} admissions in any
 * window of length {@code window}, across every instance. Each key is a sorted set of admission
 * times; one Lua script drops the admissions older than the window (ZREMRANGEBYSCORE), counts the
 * rest (ZCARD) and, below the limit, records this one (ZADD) and renews the key's expiry to one
 * window, atomically.
 *
 * <p>Why not a Bucket4j token bucket, as for host politeness: a bucket of {@code limit} tokens
 * refilled over the window admits a full burst, then refills while the burst is still inside the
 * window, so some windows admit up to about twice the limit; no refill setting of a single token
 * bucket bounds every sliding window at the limit without also refusing work the window allows.
 * The log costs one sorted-set entry per admission (at most {@code limit} per key).
 *
 * <p>Times are taken from this instance's clock, so instances' clocks should agree (NTP); a skew
 * of {@code s} widens or narrows the window by at most {@code s}. While Redis is unreachable, each
 * instance keeps an exact log of its own, so the limit then holds per instance; failures are
 * counted by the link.
 */
final class RedisSlidingWindow {
  static final String SCRIPT = String.join("\n",
      "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))",
      "if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then",
      "  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])",
      "  redis.call('PEXPIRE', KEYS[1], ARGV[2])",
      "  return 1",
      "end",
      "return 0");

  private final RedisLink link;
  private final String namespace;
  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong sequence = new AtomicLong();
  private final Cache<String, ArrayDeque<Long>> local;

  RedisSlidingWindow(RedisLink link, String namespace, int limit, Duration window, Clock clock) {
    this.link = link;
    this.namespace = namespace;
    this.limit = limit;
    this.windowMillis = window.toMillis();
    this.clock = clock;
    this.local = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(window.multipliedBy(2))
        .executor(Runnable::run).build();
  }

  /** Admits now, or says no. */
  boolean tryAcquire(String id) {
    long now = clock.millis();
    byte[] member = (now + ":" + instance + ":" + sequence.incrementAndGet())
        .getBytes(StandardCharsets.US_ASCII);
    Long admitted = link.call(cmd -> cmd.eval(SCRIPT, ScriptOutputType.INTEGER,
        new byte[][] {link.key(namespace + id)}, ascii(now), ascii(windowMillis), ascii(limit),
        member), null);
    if (admitted != null) {
      return admitted == 1L;
    }
    return tryLocal(id, now);
  }

  private boolean tryLocal(String id, long now) {
    ArrayDeque<Long> log = local.get(id, k -> new ArrayDeque<>());
    synchronized (log) {
      while (!log.isEmpty() && log.peekFirst() <= now - windowMillis) {
        log.pollFirst();
      }
      if (log.size() >= limit) {
        return false;
      }
      log.addLast(now);
      return true;
    }
  }

  private static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }
}
