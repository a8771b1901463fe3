package dev.icssync.http;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Politeness per host: at most {@code maxConcurrent} requests in flight to one host, and request
 * starts at least {@code minInterval} apart. Channels rate-limit by client IP, so a tenant syncing
 * 300 Airbnb listings must not open 300 connections to Airbnb at once.
 */
final class HostGate {

  /** The wait for a slot exceeded the allowed queueing time. */
  static final class QueueTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    QueueTimeoutException() {
      super("waited too long for a per-host slot", null, false, false);
    }
  }

  private static final class Slot {
    final Semaphore permits;
    long nextStartNanos; // guarded by this

    Slot(int permits) {
      this.permits = new Semaphore(permits, true);
    }
  }

  private static final int SWEEP_THRESHOLD = 10_000;

  private final int maxConcurrent;
  private final long minIntervalNanos;
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  HostGate(int maxConcurrent, Duration minInterval) {
    this.maxConcurrent = maxConcurrent;
    this.minIntervalNanos = minInterval.toNanos();
  }

  /**
   * Waits for a slot for {@code host}; the caller must run the returned release action once.
   *
   * @throws QueueTimeoutException after {@code maxWait}
   */
  Runnable acquire(String host, Duration maxWait) throws QueueTimeoutException, InterruptedException {
    if (slots.size() > SWEEP_THRESHOLD) {
      sweep();
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    Slot slot = slots.computeIfAbsent(host, h -> new Slot(maxConcurrent));
    if (!slot.permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new QueueTimeoutException();
    }
    Runnable release = slot.permits::release;
    if (minIntervalNanos <= 0) {
      return release;
    }
    long start;
    synchronized (slot) {
      long now = System.nanoTime();
      start = slot.nextStartNanos - now > 0 ? slot.nextStartNanos : now;
      if (start - deadline > 0) {
        slot.permits.release();
        throw new QueueTimeoutException();
      }
      slot.nextStartNanos = start + minIntervalNanos;
    }
    long wait = start - System.nanoTime();
    try {
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    } catch (InterruptedException e) {
      slot.permits.release();
      throw e;
    }
    return release;
  }

  private void sweep() {
    long now = System.nanoTime();
    slots.forEach(
        (host, slot) -> {
          synchronized (slot) {
            if (slot.permits.availablePermits() == maxConcurrent && slot.nextStartNanos - now <= 0) {
              slots.remove(host, slot);
            }
          }
        });
  }
}
