package dev.icssync.spi;

/**
 * Admits or refuses a sync of a tenant (the default budget: 100 syncs per hour per tenant). A refused
 * sync reports {@code SKIPPED}. Implementations must not throw; when their backing service is down
 * they decide (and document) whether to admit.
 */
@FunctionalInterface
public interface SyncLimiter {
  boolean tryAcquire(String tenant);

  static SyncLimiter unlimited() {
    return tenant -> true;
  }
}
