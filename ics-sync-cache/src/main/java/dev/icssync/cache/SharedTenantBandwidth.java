package dev.icssync.cache;

import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.util.concurrent.TimeUnit;

/**
 * A tenant's feed bytes under a rate shared by every worker through Redis (see
 * {@link RedisCaches#tenantBandwidth}): wait while the tenant's bucket is in debt, fetch, take the
 * body's bytes into debt.
 */
final class SharedTenantBandwidth implements FeedFetcher {
  private final FeedFetcher delegate;
  private final RedisBuckets buckets;

  SharedTenantBandwidth(FeedFetcher delegate, RedisBuckets buckets) {
    this.delegate = delegate;
    this.buckets = buckets;
  }

  @Override
  public FetchResult fetch(FetchRequest request) {
    String tenant = request.feed().tenant();
    try {
      // a wait can end with another worker's fetch already in debt again: look once more
      for (long wait = buckets.nanosUntilToken(tenant); wait > 0; wait = buckets.nanosUntilToken(tenant)) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the fetch goes on; whoever interrupted decides
    }
    FetchResult result = delegate.fetch(request);
    if (result instanceof FetchResult.Fetched f && f.body().length > 0) {
      buckets.takeIgnoringLimit(tenant, f.body().length);
    }
    return result;
  }
}
