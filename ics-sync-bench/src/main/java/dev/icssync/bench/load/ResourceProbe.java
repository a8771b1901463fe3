package dev.icssync.bench.load;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * The seed's resource limits during a phase, sampled every 10 ms: connections of the pool in use
 * (peak), and the feed bytes the feed server sent (one tenant per cycle, so this is the tenant's
 * bandwidth): the mean over the phase and the largest amount sent in any one-second window.
 */
final class ResourceProbe implements AutoCloseable {
  private static final long WINDOW_NANOS = 1_000_000_000L;

  private final HikariDataSource pool;
  private final LongAdder bytes;
  private final Thread sampler;
  private final ArrayDeque<long[]> window = new ArrayDeque<>();
  private volatile boolean running = true;
  private int peakActive;
  private long peakWindowBytes;
  private long bytesAtStart;
  private long startNanos;

  ResourceProbe(HikariDataSource pool, LongAdder bytes) {
    this.pool = pool;
    this.bytes = bytes;
    sampler = new Thread(() -> {
      while (running) {
        sample();
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "load-resource-sampler");
    sampler.setDaemon(true);
    start();
    sampler.start();
  }

  private synchronized void sample() {
    int active = pool.getHikariPoolMXBean() == null ? 0 : pool.getHikariPoolMXBean().getActiveConnections();
    peakActive = Math.max(peakActive, active);
    long now = System.nanoTime();
    long sent = bytes.sum();
    window.addLast(new long[] {now, sent});
    while (window.size() > 1 && now - window.peekFirst()[0] > WINDOW_NANOS) {
      window.removeFirst();
    }
    if (now - startNanos >= WINDOW_NANOS) { // a full window since the start
      peakWindowBytes = Math.max(peakWindowBytes, sent - window.peekFirst()[1]);
    }
  }

  /** Starts a phase: forgets earlier peaks. */
  synchronized void start() {
    peakActive = 0;
    peakWindowBytes = 0;
    window.clear();
    startNanos = System.nanoTime();
    bytesAtStart = bytes.sum();
    window.addLast(new long[] {startNanos, bytesAtStart});
  }

  /** The figures since {@link #start}. */
  synchronized Figures figures() {
    sample();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    long sent = bytes.sum() - bytesAtStart;
    // a phase shorter than a second has no full window: its mean rate is its only rate
    double peak = seconds >= 1 ? Math.max(peakWindowBytes, sent / seconds) : sent / Math.max(seconds, 1e-9);
    return new Figures(pool.getMaximumPoolSize(), peakActive, sent, sent / Math.max(seconds, 1e-9), peak);
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }

  /**
   * @param poolMax the pool's maximum size
   * @param peakActive most connections in use at once (sampled)
   * @param feedBytes feed body bytes the server sent
   * @param bytesPerSecond the mean rate over the phase
   * @param peakBytesPerSecond the most bytes sent in one second
   */
  record Figures(int poolMax, int peakActive, long feedBytes, double bytesPerSecond, double peakBytesPerSecond) {}
}
