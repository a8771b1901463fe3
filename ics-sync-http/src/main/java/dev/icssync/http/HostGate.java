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
    volatile long connectedUntilNanos; // a connection to the host is probably open until then
    volatile boolean connected;

    Slot(int permits) {
      this.permits = new Semaphore(permits, true);
    }

    boolean connected(long now) {
      return connected && connectedUntilNanos - now > 0;
    }
  }

  /** A slot held by one request; {@link #release()} it exactly once. */
  interface Lease {
    /** Gives the slot back. */
    void release();

    /** Tells the gate that the request reached the host, so a connection to it is now open. */
    void connected();
  }

  /**
   * Nanosecond time, {@link System#nanoTime()} outside tests (as Caffeine's {@code Ticker}), so a
   * test moves time instead of sleeping.
   */
  @FunctionalInterface
  interface Ticker {
    long read();

    static Ticker system() {
      return System::nanoTime;
    }
  }

  private static final int SWEEP_THRESHOLD = 10_000;

  private final Ticker ticker;
  private final int maxConcurrent;
  private final long minIntervalNanos;
  private final long connectionIdleNanos;
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  /**
   * @param connectionIdle how long a connection to a host is assumed to stay open after its last
   *     request (the pool's idle eviction time)
   */
  HostGate(int maxConcurrent, Duration minInterval, Duration connectionIdle) {
    this(maxConcurrent, minInterval, connectionIdle, Ticker.system());
  }

  HostGate(int maxConcurrent, Duration minInterval, Duration connectionIdle, Ticker ticker) {
    this.ticker = ticker;
    this.maxConcurrent = maxConcurrent;
    this.minIntervalNanos = minInterval.toNanos();
    this.connectionIdleNanos = connectionIdle.toNanos();
  }

  /**
   * Waits for a slot for {@code host}.
   *
   * @param firstAlone when no connection to the host is open (none reached it within the idle
   *     time), the request takes every slot of the host, so it opens the connection alone and the
   *     requests queued behind it can share that connection (HTTP/2) instead of each opening one
   * @throws QueueTimeoutException after {@code maxWait}
   */
  Lease acquire(String host, Duration maxWait, boolean firstAlone)
      throws QueueTimeoutException, InterruptedException {
    if (slots.size() > SWEEP_THRESHOLD) {
      sweep();
    }
    long deadline = ticker.read() + maxWait.toNanos();
    Slot slot = slots.computeIfAbsent(host, h -> new Slot(maxConcurrent));
    int taken = firstAlone && !slot.connected(ticker.read()) ? maxConcurrent : 1;
    if (!slot.permits.tryAcquire(taken, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new QueueTimeoutException();
    }
    if (taken > 1 && slot.connected(ticker.read())) {
      slot.permits.release(taken - 1); // another request opened the connection meanwhile
      taken = 1;
    }
    Lease lease = lease(slot, taken);
    if (minIntervalNanos <= 0) {
      return lease;
    }
    long start;
    synchronized (slot) {
      long now = ticker.read();
      start = slot.nextStartNanos - now > 0 ? slot.nextStartNanos : now;
      if (start - deadline > 0) {
        lease.release();
        throw new QueueTimeoutException();
      }
      slot.nextStartNanos = start + minIntervalNanos;
    }
    long wait = start - ticker.read();
    try {
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    } catch (InterruptedException e) {
      lease.release();
      throw e;
    }
    return lease;
  }

  private Lease lease(Slot slot, int taken) {
    return new Lease() {
      @Override
      public void release() {
        slot.permits.release(taken);
      }

      @Override
      public void connected() {
        slot.connectedUntilNanos = ticker.read() + connectionIdleNanos;
        slot.connected = true;
      }
    };
  }

  private void sweep() {
    long now = ticker.read();
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
