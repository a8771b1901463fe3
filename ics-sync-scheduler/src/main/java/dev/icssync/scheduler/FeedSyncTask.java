package dev.icssync.scheduler;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.icssync.Feed;
import dev.icssync.SyncReport;
import dev.icssync.scheduler.ReschedulePolicy.Decision;
import dev.icssync.spi.FeedStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a feed's persistent task: look the feed up, pass the tenant and host gates, sync, and
 * reschedule itself (or remove itself when the feed is gone or inactive). Never throws: every outcome
 * becomes a next run time.
 */
final class FeedSyncTask implements ExecutionHandler<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(FeedSyncTask.class);

  private final FeedStore feeds;
  private final FeedRunner runner;
  private final ReschedulePolicy policy;
  private final TenantGate tenants;
  private final HostGate hosts;
  private final Clock clock;
  private final Duration deferDelay;
  private final Duration maxHostWait;
  private final Consumer<RunRecord> observer;
  private final Set<String> hostWaiters = ConcurrentHashMap.newKeySet();

  /**
   * What one run did; for tests and diagnostics. {@code hostSlot} is the politeness slot the run
   * claimed before syncing, in the database's clock (null when its host is not throttled or the run
   * did not sync).
   */
  record RunRecord(FeedTaskId id, Instant started, Instant finished, @org.jspecify.annotations.Nullable SyncReport report,
      Decision decision, String kind, @org.jspecify.annotations.Nullable Instant hostSlot) {}

  FeedSyncTask(FeedStore feeds, FeedRunner runner, ReschedulePolicy policy, TenantGate tenants,
      HostGate hosts, Clock clock, Duration deferDelay, Duration maxHostWait, Consumer<RunRecord> observer) {
    this.feeds = feeds;
    this.runner = runner;
    this.policy = policy;
    this.tenants = tenants;
    this.hosts = hosts;
    this.clock = clock;
    this.deferDelay = deferDelay;
    this.maxHostWait = maxHostWait;
    this.observer = observer;
  }

  @Override
  public CompletionHandler<Integer> execute(TaskInstance<Integer> instance, ExecutionContext context) {
    Integer data = instance.getData();
    int failures = data == null ? 0 : data;
    Instant started = clock.instant();
    FeedTaskId id;
    try {
      id = FeedTaskId.parse(instance.getId());
    } catch (IllegalArgumentException e) {
      LOG.warn("removing malformed feed task {}", instance.getId());
      return (complete, ops) -> ops.remove();
    }
    Optional<Feed> found;
    try {
      found = feeds.feed(id.tenant(), id.feedId());
    } catch (RuntimeException e) {
      // the store is down: keep the feed, back off like any other failure
      LOG.warn("cannot look up feed {} of tenant {}; retrying with backoff", id.feedId(), id.tenant(), e);
      int next = failures == Integer.MAX_VALUE ? failures : failures + 1;
      return finish(id, started, null,
          new Decision(clock.instant().plus(policy.backoff(next, ThreadLocalRandom.current())), next), "store-down");
    }
    if (found.isEmpty() || !found.get().active()) {
      LOG.info("feed {} of tenant {} is {}: its schedule stops", id.feedId(), id.tenant(),
          found.isEmpty() ? "removed" : "inactive");
      return finish(id, started, null, Decision.stop(), "inactive");
    }
    Feed feed = found.get();
    if (!tenants.tryEnter(id.tenant())) {
      return finish(id, started, null, new Decision(started.plus(spread(deferDelay)), failures), "tenant-busy");
    }
    try {
      String host = hosts.enabled() ? feed.host().orElse(null) : null;
      Instant hostSlot = null;
      if (host != null) {
        HostGate.Claim claim;
        try {
          claim = awaitHost(host);
        } catch (RuntimeException e) {
          LOG.warn("host slot of feed {} unavailable; retrying later", id.feedId(), e);
          claim = HostGate.Claim.busy(deferDelay);
        }
        if (!claim.granted()) {
          Duration interval = hosts.intervalFor(host);
          long spreadMillis = Math.max(interval.toMillis(), deferDelay.toMillis());
          Instant at = clock.instant().plus(claim.busyFor()).plusMillis(ThreadLocalRandom.current().nextLong(spreadMillis + 1));
          return finish(id, started, null, new Decision(at, failures), "host-busy");
        }
        hostSlot = claim.slot();
      }
      Decision decision;
      SyncReport report = null;
      try {
        report = runner.run(id.tenant(), id.feedId());
        decision = policy.decide(report, feed.pollInterval(), failures, clock.instant(),
            ThreadLocalRandom.current());
      } catch (RuntimeException e) {
        // The engine reports failures as values; an exception here is a bug or a dead store.
        LOG.warn("sync of feed {} of tenant {} threw; retrying with backoff", id.feedId(), id.tenant(), e);
        int next = failures == Integer.MAX_VALUE ? failures : failures + 1;
        decision = new Decision(clock.instant().plus(policy.backoff(next, ThreadLocalRandom.current())), next);
      }
      if (decision.isStop()) {
        LOG.info("feed {} of tenant {} is gone: its schedule stops", id.feedId(), id.tenant());
      }
      return finish(id, started, report, decision, "sync", hostSlot);
    } finally {
      tenants.exit(id.tenant());
    }
  }

  private CompletionHandler<Integer> finish(FeedTaskId id, Instant started,
      @org.jspecify.annotations.Nullable SyncReport report, Decision decision, String kind) {
    return finish(id, started, report, decision, kind, null);
  }

  private CompletionHandler<Integer> finish(FeedTaskId id, Instant started,
      @org.jspecify.annotations.Nullable SyncReport report, Decision decision, String kind,
      @org.jspecify.annotations.Nullable Instant hostSlot) {
    try {
      observer.accept(new RunRecord(id, started, clock.instant(), report, decision, kind, hostSlot));
    } catch (RuntimeException e) {
      LOG.warn("run observer failed", e);
    }
    if (decision.isStop()) {
      return (complete, ops) -> ops.remove();
    }
    Instant at = decision.nextRun();
    int failures = decision.failures();
    return (complete, ops) -> ops.reschedule(complete, at, failures);
  }

  /**
   * Claims the host's politeness slot, waiting in this thread when the slot frees up soon and no
   * other thread of this worker already waits for the same host. Refused when the host stays busy
   * longer (the run is then rescheduled instead). Waits are measured in the database's clock (the
   * gate's), only their lengths are applied to ours.
   */
  private HostGate.Claim awaitHost(String host) {
    long waitedNanos = 0;
    long maxNanos = maxHostWait.toNanos();
    boolean waiter = false;
    try {
      while (true) {
        HostGate.Claim claim = hosts.tryClaim(host);
        if (claim.granted() || waitedNanos + claim.busyFor().toNanos() > maxNanos) {
          return claim;
        }
        if (!waiter) {
          waiter = hostWaiters.add(host);
          if (!waiter) {
            return claim;
          }
        }
        long sleep = claim.busyFor().toMillis() + 1 + ThreadLocalRandom.current().nextLong(5);
        long before = System.nanoTime();
        Thread.sleep(sleep);
        waitedNanos += System.nanoTime() - before;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HostGate.Claim.busy(Duration.ZERO);
    } finally {
      if (waiter) {
        hostWaiters.remove(host);
      }
    }
  }

  private static Duration spread(Duration base) {
    long millis = Math.max(1, base.toMillis());
    return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis + 1));
  }
}
