package dev.icssync.scheduler;

import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A stand-in for the engine in tests of the rescheduling machinery alone: records when each feed ran,
 * detects two runs of one feed at once, and answers what the script says.
 */
final class ScriptedRunner implements FeedRunner {
  final Map<String, List<Instant>> starts = new ConcurrentHashMap<>();
  final List<String> order = new CopyOnWriteArrayList<>();
  final AtomicInteger overlaps = new AtomicInteger();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private volatile BiFunction<FeedTaskId, Integer, SyncReport> script =
      (id, n) -> Reports.of(id.tenant(), id.feedId(), SyncOutcome.APPLIED);
  private volatile Duration work = Duration.ZERO;

  ScriptedRunner script(BiFunction<FeedTaskId, Integer, SyncReport> value) {
    this.script = value;
    return this;
  }

  ScriptedRunner work(Duration value) {
    this.work = value;
    return this;
  }

  @Override
  public SyncReport run(String tenant, String feedId) {
    FeedTaskId id = new FeedTaskId(tenant, feedId);
    String key = id.instanceId();
    if (!running.add(key)) {
      overlaps.incrementAndGet();
    }
    try {
      List<Instant> list = starts.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
      list.add(Instant.now());
      order.add(key);
      if (!work.isZero()) {
        Thread.sleep(work.toMillis());
      }
      return script.apply(id, list.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      running.remove(key);
    }
  }

  List<Instant> startsOf(String tenant, String feedId) {
    return starts.getOrDefault(new FeedTaskId(tenant, feedId).instanceId(), List.of());
  }

  int runs(String tenant, String feedId) {
    return startsOf(tenant, feedId).size();
  }
}
