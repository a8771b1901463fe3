package dev.icssync.internal.engine;

import dev.icssync.ChangeCounts;
import dev.icssync.Feed;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncTimings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs many feed syncs at once with two bounds: at most {@code parallelism} syncs in flight for
 * this instance (across concurrent calls), and at most {@code perHostParallelism} syncs of feeds on
 * one host within one call. Each host gets that many lanes; a lane syncs its host's feeds one after
 * the other, so no task ever waits for another and a bounded pool cannot deadlock.
 */
public final class ParallelSync {
  private static final Logger log = LoggerFactory.getLogger(ParallelSync.class);

  private final Semaphore inFlight;
  private final int perHost;
  private final Clock clock;

  public ParallelSync(int parallelism, int perHostParallelism, Clock clock) {
    this.inFlight = new Semaphore(parallelism);
    this.perHost = perHostParallelism;
    this.clock = clock;
  }

  /** Syncs the feeds on {@code executor}; reports in the order of {@code feeds}. */
  public List<SyncReport> run(List<Feed> feeds, ExecutorService executor, Function<Feed, SyncReport> sync) {
    return run(feeds, executor, (i, f) -> sync.apply(f));
  }

  /** One sync of a call: the feed and its index in the call's list. */
  @FunctionalInterface
  public interface Task {
    SyncReport sync(int index, Feed feed);
  }

  /** {@link #run(List, ExecutorService, Function)} with each feed's index given to the sync. */
  public List<SyncReport> run(List<Feed> feeds, ExecutorService executor, Task sync) {
    AtomicReferenceArray<SyncReport> reports = new AtomicReferenceArray<>(feeds.size());
    Map<String, ConcurrentLinkedQueue<Integer>> byHost = new LinkedHashMap<>();
    for (int i = 0; i < feeds.size(); i++) {
      byHost.computeIfAbsent(feeds.get(i).host().orElse("?"), h -> new ConcurrentLinkedQueue<>()).add(i);
    }
    List<Future<?>> lanes = new ArrayList<>();
    for (ConcurrentLinkedQueue<Integer> queue : byHost.values()) {
      int n = Math.min(perHost, queue.size());
      for (int l = 0; l < n; l++) {
        lanes.add(executor.submit(() -> lane(queue, feeds, reports, sync)));
      }
    }
    boolean interrupted = false;
    for (Future<?> f : lanes) {
      try {
        f.get();
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      } catch (ExecutionException e) {
        log.warn("a sync lane failed", e.getCause());
      }
    }
    if (interrupted) {
      for (Future<?> f : lanes) {
        f.cancel(true);
      }
      Thread.currentThread().interrupt();
    }
    List<SyncReport> out = new ArrayList<>(feeds.size());
    for (int i = 0; i < feeds.size(); i++) {
      SyncReport r = reports.get(i);
      out.add(r != null ? r : skipped(feeds.get(i), interrupted ? "interrupted" : "not run"));
    }
    return out;
  }

  private void lane(ConcurrentLinkedQueue<Integer> queue, List<Feed> feeds, AtomicReferenceArray<SyncReport> reports,
      Task sync) {
    Integer i;
    while ((i = queue.poll()) != null) {
      Feed feed = feeds.get(i);
      try {
        inFlight.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        reports.set(i, sync.sync(i, feed));
      } catch (RuntimeException e) {
        log.warn("sync of feed {} threw", feed.id(), e);
      } finally {
        inFlight.release();
      }
    }
  }

  private SyncReport skipped(Feed f, String message) {
    return SyncReport.builder()
        .feedId(f.id())
        .tenant(f.tenant())
        .property(f.property())
        .source(f.source())
        .outcome(SyncOutcome.SKIPPED)
        .message(message)
        .startedAt(clock.instant())
        .build();
  }
}
