package dev.icssync.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak heap of a phase, two ways: the largest {@code MemoryMXBean} heap usage seen by a sampler
 * thread (every 5 ms), and the sum of the heap pools' own peak usage (reset at {@link #start}),
 * which also catches peaks between samples but may add peaks of different pools that did not
 * happen at the same moment (an upper bound).
 */
final class HeapProbe implements AutoCloseable {
  private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP)
      .toList();
  private final AtomicLong sampledPeak = new AtomicLong();
  private final Thread sampler;
  private volatile boolean running = true;

  HeapProbe() {
    sampler = new Thread(() -> {
      while (running) {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        sampledPeak.accumulateAndGet(used, Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "load-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts a phase: forgets earlier peaks. */
  void start() {
    for (MemoryPoolMXBean p : pools) {
      p.resetPeakUsage();
    }
    sampledPeak.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
  }

  /** Peak heap used since {@link #start}, sampled, in MiB. */
  double sampledPeakMb() {
    return sampledPeak.get() / 1048576.0;
  }

  /** Sum of the heap pools' peaks since {@link #start}, in MiB. */
  double poolPeakMb() {
    long sum = 0;
    for (MemoryPoolMXBean p : pools) {
      sum += p.getPeakUsage().getUsed();
    }
    return sum / 1048576.0;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
