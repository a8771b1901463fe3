package dev.icssync.spi;

/**
 * Admits or refuses a sync of a tenant. The engine asks once per feed sync, before it fetches; a
 * refused sync reports {@code SKIPPED}. Implementations must not throw (the engine admits the sync
 * when one does, and logs it); when their backing service is down they decide (and document) whether
 * to admit.
 *
 * <p>The default is {@link #unlimited()}: {@code IcsSync.builder()} admits every sync unless a
 * limiter is set. A shared budget across instances comes from the cache module, for example 100
 * syncs per hour per tenant:
 *
 * <pre>{@code
 * IcsSync.builder().limiter(redisCaches.tenantLimiter(100, Duration.ofHours(1)))
 * }</pre>
 */
@FunctionalInterface
public interface SyncLimiter {
  boolean tryAcquire(String tenant);

  /** Admits every sync: the engine's default. */
  static SyncLimiter unlimited() {
    return tenant -> true;
  }
}
