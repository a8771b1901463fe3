package dev.icssync.internal;

import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A fetcher that keeps each tenant's feed bytes under a rate, shared by every thread that fetches
 * through it (one instance per {@code IcsSync}: all its workers). A token bucket per tenant that
 * refills at {@code bytesPerSecond} and saves nothing up (no burst: a tenant idle for an hour gets
 * no more than the rate when it starts again): a fetch first waits while its tenant's bucket is in
 * debt, then its body's bytes are taken from the bucket, which goes into debt by that much. So a
 * tenant's fetches slow down to the rate, and none fails for it; the bytes fetched by a tenant in
 * any stretch of time {@code t} stay below {@code bytesPerSecond * t + one body per fetching
 * thread} (the bodies of fetches that were already under way). Bodies count as the fetcher returns
 * them (decoded); a 304 or a failure costs nothing.
 */
public final class TenantBandwidth implements FeedFetcher {
  /** Waits: {@link Thread#sleep} in production, a clock that moves in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final FeedFetcher fetcher;
  private final long bytesPerSecond;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public TenantBandwidth(FeedFetcher fetcher, long bytesPerSecond) {
    this(fetcher, bytesPerSecond, System::nanoTime, nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
  }

  public TenantBandwidth(FeedFetcher fetcher, long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive, was " + bytesPerSecond);
    }
    this.fetcher = fetcher;
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  @Override
  public FetchResult fetch(FetchRequest request) {
    Bucket bucket = buckets.computeIfAbsent(request.feed().tenant(), t -> new Bucket(nanoTime.getAsLong()));
    waitNanos(bucket.nanosUntilOutOfDebt());
    FetchResult result = fetcher.fetch(request);
    if (result instanceof FetchResult.Fetched f) {
      bucket.take(f.body().length);
    }
    return result;
  }

  private void waitNanos(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      sleeper.sleepNanos(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the fetch goes on; whoever interrupted decides
    }
  }

  /** One tenant's tokens, in bytes: zero, or negative for debt. */
  private final class Bucket {
    private double tokens;
    private long last;

    Bucket(long now) {
      this.last = now;
    }

    private void refill(long now) {
      long elapsed = now - last;
      if (elapsed > 0) {
        tokens = Math.min(0, tokens + elapsed * (bytesPerSecond / 1e9));
        last = now;
      }
    }

    synchronized long nanosUntilOutOfDebt() {
      refill(nanoTime.getAsLong());
      return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / bytesPerSecond * 1e9);
    }

    synchronized void take(long bytes) {
      refill(nanoTime.getAsLong());
      tokens -= bytes;
    }
  }
}
