package dev.icssync.bench.load;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Peak heap of a phase, three ways: the largest {@code MemoryMXBean} heap usage seen by a sampler
 * thread (every 5 ms; includes garbage not yet collected, so it grows with the heap the collector is
 * given); the sum of the heap pools' own peak usage (reset at {@link #start}), which also catches
 * peaks between samples but may add peaks of different pools that did not happen at the same moment
 * (an upper bound); and the largest heap left after a garbage collection (the live data the phase
 * held, as of the collections that ran: 0 when none ran). The last is an upper bound of the live
 * data: a young collection leaves the old generation's garbage in place. The largest heap left after
 * a full (major) collection is the live set itself at that moment; {@link #fullGcPeakMb} keeps it
 * apart, and {@link #fullCollections} counts them.
 */
final class HeapProbe implements AutoCloseable {
  private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP)
      .toList();
  private final AtomicLong sampledPeak = new AtomicLong();
  private final AtomicLong afterGcPeak = new AtomicLong();
  private final AtomicLong fullGcPeak = new AtomicLong();
  private final AtomicLong fullGcs = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener gcListener = (notification, handback) -> {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      long used = 0;
      for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPoolNames().contains(e.getKey())) {
          used += e.getValue().getUsed();
        }
      }
      long u = used;
      afterGcPeak.accumulateAndGet(u, Math::max);
      if (info.getGcAction().contains("major")) {
        fullGcPeak.accumulateAndGet(u, Math::max);
        fullGcs.incrementAndGet();
      }
    }
  };
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
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(gcListener, null, null);
        emitters.add(emitter);
      }
    }
  }

  private List<String> heapPoolNames() {
    return pools.stream().map(MemoryPoolMXBean::getName).toList();
  }

  /** Starts a phase: forgets earlier peaks. */
  void start() {
    for (MemoryPoolMXBean p : pools) {
      p.resetPeakUsage();
    }
    sampledPeak.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    afterGcPeak.set(0);
    fullGcPeak.set(0);
    fullGcs.set(0);
  }

  /** Largest heap left after a full collection since {@link #start}, in MiB (0 when none ran). */
  double fullGcPeakMb() {
    return fullGcPeak.get() / 1048576.0;
  }

  /** Full (major) collections since {@link #start}. */
  long fullCollections() {
    return fullGcs.get();
  }

  /** Largest heap left after a collection since {@link #start}, in MiB (0 when none ran). */
  double afterGcPeakMb() {
    return afterGcPeak.get() / 1048576.0;
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
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(gcListener);
      } catch (ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }
}
