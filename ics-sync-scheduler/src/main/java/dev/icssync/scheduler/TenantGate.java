package dev.icssync.scheduler;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps how many syncs of one tenant this worker runs at once, so one tenant cannot hold every
 * thread. An execution refused here is deferred (rescheduled a little later) instead of waiting, which
 * both frees the thread and moves that execution behind the other tenants' due executions.
 */
final class TenantGate {
  private final int limit;
  private final ConcurrentHashMap<String, AtomicInteger> running = new ConcurrentHashMap<>();

  TenantGate(int limit) {
    this.limit = limit;
  }

  boolean tryEnter(String tenant) {
    AtomicInteger count = running.computeIfAbsent(tenant, t -> new AtomicInteger());
    while (true) {
      int now = count.get();
      if (now >= limit) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void exit(String tenant) {
    AtomicInteger count = running.get(tenant);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  int running(String tenant) {
    AtomicInteger count = running.get(tenant);
    return count == null ? 0 : count.get();
  }
}
