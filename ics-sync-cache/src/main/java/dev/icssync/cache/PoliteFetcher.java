package dev.icssync.cache;

import dev.icssync.FailureReason;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Spaces fetches per host across every worker sharing the Redis: waits up to {@code maxWait} for
 * the host's token, else answers RATE_LIMITED with a Retry-After of one refill period (nothing is
 * fetched, nothing stored changes).
 */
final class PoliteFetcher implements FeedFetcher {
  private final FeedFetcher delegate;
  private final RedisBuckets buckets;
  private final Duration maxWait;
  private final Duration retryAfter;

  PoliteFetcher(FeedFetcher delegate, RedisBuckets buckets, Duration maxWait, Duration retryAfter) {
    this.delegate = delegate;
    this.buckets = buckets;
    this.maxWait = maxWait;
    this.retryAfter = retryAfter;
  }

  @Override
  public FetchResult fetch(FetchRequest request) {
    @Nullable String host = request.feed().host().orElse(null);
    if (host != null) {
      try {
        if (!buckets.consumeWaiting(host, maxWait)) {
          return new FetchResult.Failed(FailureReason.RATE_LIMITED,
              "politeness budget of host " + host + " exhausted", 0, retryAfter, null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return FetchResult.Failed.of(FailureReason.INTERNAL, "interrupted waiting for host " + host);
      }
    }
    return delegate.fetch(request);
  }
}
