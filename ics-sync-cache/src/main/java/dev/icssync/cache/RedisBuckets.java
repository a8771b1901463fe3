package dev.icssync.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Token buckets kept in Redis by Bucket4j (compare-and-swap on one key per bucket), with an
 * in-process bucket of the same shape per key as the fallback while Redis is unreachable: limits are
 * then held per instance instead of across them, and work is never refused for want of Redis.
 */
final class RedisBuckets {
  private final RedisLink link;
  private final String namespace;
  private final BucketConfiguration config;
  private final Duration timeout;
  private final Cache<String, Bucket> local;
  private volatile @Nullable ProxyManager<byte[]> proxies;
  private volatile @Nullable Object proxiesConnection;

  /** Buckets of {@code capacity} tokens, refilled by as many over {@code per}. */
  RedisBuckets(RedisLink link, String namespace, long capacity, Duration per, Duration timeout) {
    this(link, namespace, capacity, capacity, per, timeout);
  }

  /** Buckets of {@code capacity} tokens, refilled by {@code refill} over {@code per}. */
  RedisBuckets(RedisLink link, String namespace, long capacity, long refill, Duration per, Duration timeout) {
    this.link = link;
    this.namespace = namespace;
    this.timeout = timeout;
    this.config = BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(refill, per))
        .build();
    // a bucket in debt must outlive its debt: forgotten, the debt would be forgiven
    Duration keep = per.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? per.multipliedBy(2) : Duration.ofMinutes(1);
    this.local = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(keep)
        .executor(Runnable::run).build();
  }

  private Optional<ProxyManager<byte[]>> proxies() {
    return link.withConnection(c -> {
      synchronized (this) {
        if (proxies == null || proxiesConnection != c) { // first use, or a new connection
          proxiesConnection = c;
          proxies = Bucket4jLettuce.casBasedBuilder(c)
              .expirationAfterWrite(
                  ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
              .requestTimeout(timeout)
              .build();
        }
        return proxies;
      }
    });
  }

  private Bucket localBucket(String id) {
    return local.get(id, k -> Bucket.builder().addLimit(config.getBandwidths()[0]).build());
  }

  /** An operation on one bucket, which may throw {@code X}. */
  @FunctionalInterface
  private interface BucketOp<T, X extends Exception> {
    T apply(Bucket bucket) throws X;
  }

  /**
   * Runs {@code op} on the bucket {@code id} kept in Redis, or on its in-process twin while Redis is
   * unreachable or fails the call (the failure is reported to the link).
   */
  private <T, X extends Exception> T onBucket(String id, BucketOp<T, X> op) throws X {
    Optional<ProxyManager<byte[]>> p = proxies();
    if (p.isPresent()) {
      try {
        return op.apply(p.get().getProxy(link.key(namespace + id), () -> config));
      } catch (RuntimeException e) {
        link.failed("bucket", e);
      }
    }
    return op.apply(localBucket(id));
  }

  /**
   * Nanoseconds until the bucket holds a token again (0 when it holds one now): how long a caller
   * waits while the bucket is in debt.
   */
  long nanosUntilToken(String id) {
    return onBucket(id, b -> b.estimateAbilityToConsume(1).getNanosToWaitForRefill());
  }

  /** Takes {@code tokens} whatever the bucket holds: it goes into debt by what it lacks. */
  void takeIgnoringLimit(String id, long tokens) {
    onBucket(id, b -> b.consumeIgnoringRateLimits(tokens));
  }

  /** Takes a token now, or says no. */
  boolean tryConsume(String id) {
    return onBucket(id, b -> b.tryConsume(1));
  }

  /** Waits up to {@code maxWait} for a token; false when none came in time. */
  boolean consumeWaiting(String id, Duration maxWait) throws InterruptedException {
    if (maxWait.isZero()) {
      return tryConsume(id);
    }
    return onBucket(id, b -> b.asBlocking().tryConsume(1, maxWait));
  }
}
