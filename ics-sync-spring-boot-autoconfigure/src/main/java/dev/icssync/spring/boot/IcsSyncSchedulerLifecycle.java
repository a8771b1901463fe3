package dev.icssync.spring.boot;

import dev.icssync.Feed;
import dev.icssync.scheduler.FeedSyncScheduler;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link FeedSyncScheduler} with the application context.
 *
 * <p>It starts after the web server (so health and exports answer while the first syncs run) and,
 * because a higher phase stops first, stops before the web server's graceful shutdown
 * ({@code DEFAULT_PHASE - 1024}) and its stop ({@code DEFAULT_PHASE - 2048}), and long before the
 * DataSource is closed (beans are destroyed after every lifecycle has stopped). Stopping takes no
 * new work and waits up to {@code ics-sync.scheduler.shutdown-max-wait} for the syncs in flight;
 * a sync still running then stays picked in the database and another worker revives it after its
 * missed heartbeats, and its late apply is refused by generation fencing.
 *
 * <pre>{@code
 * @Autowired IcsSyncSchedulerLifecycle scheduler;
 * scheduler.scheduler().enrol(feed);          // first sync now, then every poll interval
 * }</pre>
 */
public class IcsSyncSchedulerLifecycle implements SmartLifecycle, DisposableBean {
  /** Stops before the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}). */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final Supplier<FeedSyncScheduler> factory;
  private final Object lock = new Object();
  private @Nullable FeedSyncScheduler scheduler;

  public IcsSyncSchedulerLifecycle(Supplier<FeedSyncScheduler> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (scheduler == null) {
        scheduler = factory.get();
      }
    }
  }

  @Override
  public void stop() {
    FeedSyncScheduler s;
    synchronized (lock) {
      s = scheduler;
      scheduler = null;
    }
    if (s != null) {
      s.close(); // no new polls; waits (bounded) for the syncs in flight
    }
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      return scheduler != null;
    }
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public void destroy() {
    stop();
  }

  /**
   * The running scheduler.
   *
   * @throws IllegalStateException when it is not running (before the context started or after it stopped)
   */
  public FeedSyncScheduler scheduler() {
    synchronized (lock) {
      if (scheduler == null) {
        throw new IllegalStateException("the ics-sync scheduler is not running");
      }
      return scheduler;
    }
  }

  /** Schedules a new or changed feed on the running scheduler ({@link FeedSyncScheduler#enrol(Feed)}). */
  public boolean enrol(Feed feed) {
    return scheduler().enrol(feed);
  }
}
