package dev.icssync.scheduler;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.exceptions.FailedToScheduleBatchException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.icssync.Backoff;
import dev.icssync.Checks;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.IcsSyncException;
import dev.icssync.spi.FeedStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that keeps every active feed synced on time, sharing the feeds with any number of other
 * workers over one database (PostgreSQL in production, H2 for a single embedded JVM) with no
 * coordinator of its own. Built on db-scheduler: each active feed is one persistent task instance
 * ({@code tenant/feedId}) in our own table, picked with {@code SELECT ... FOR UPDATE SKIP LOCKED} on
 * PostgreSQL, kept alive by heartbeats, and revived on another worker when its worker dies.
 *
 * <pre>{@code
 * FeedSyncScheduler worker = FeedSyncScheduler.builder(dataSource)
 *     .sync(icsSync)                       // the engine; its store holds the feeds
 *     .threads(10)
 *     .start();                            // creates the tables if missing, enrols active feeds
 * worker.enrol(newFeed);                   // first sync now, then every poll interval
 * worker.syncNow("tenant-1", "feed-42");
 * worker.cancel("tenant-1", "feed-42");
 * worker.close();                          // waits for running syncs (bounded)
 * }</pre>
 *
 * <p>After each run the feed reschedules itself: success (applied, unchanged, 304) at the feed's
 * interval plus or minus the jitter; 429/503 with Retry-After at that time (capped); other failures
 * with capped exponential backoff and full jitter, never giving up; 404/410, a deactivated or a
 * removed feed stops. Delivery is at least once (a paused worker's run can be revived elsewhere); the
 * engine's generation fencing rejects the late apply of such a zombie.
 */
public final class FeedSyncScheduler implements AutoCloseable {
  /** The db-scheduler task name of feed syncs in our table. */
  public static final String TASK_NAME = "icssync-feed-sync";
  /** The default table; the host-slot table is its name plus {@code _host_slots}. */
  public static final String DEFAULT_TABLE = "icssync_scheduled_tasks";

  private static final Logger LOG = LoggerFactory.getLogger(FeedSyncScheduler.class);

  private final Scheduler scheduler;
  private final FeedStore feeds;
  private final DataSource dataSource;
  private final String tableName;
  private final String name;
  private final Clock clock;
  private final Duration cancelWait;
  /** The engine whose held states (304s, unchanged bodies) this worker flushes, or null. */
  private final @Nullable IcsSync sync;
  private final java.util.concurrent.@Nullable ScheduledExecutorService flusher;

  private FeedSyncScheduler(Scheduler scheduler, FeedStore feeds, DataSource dataSource, String tableName,
      String name, Clock clock, Duration cancelWait, @Nullable IcsSync sync) {
    this.sync = sync;
    if (sync != null) {
      // the held states of batched syncs are written at least once a second, also when no sync
      // follows to trigger it (IcsSync.syncFeedBatched writes full batches and old ones by itself)
      this.flusher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "icssync-state-flush-" + name);
        t.setDaemon(true);
        return t;
      });
      this.flusher.scheduleWithFixedDelay(sync::flushStates, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    } else {
      this.flusher = null;
    }
    this.scheduler = scheduler;
    this.feeds = feeds;
    this.dataSource = dataSource;
    this.tableName = tableName;
    this.name = name;
    this.clock = clock;
    this.cancelWait = cancelWait;
  }

  /** A worker over {@code dataSource} (a pooled one: every poll and heartbeat borrows a connection). */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** This worker's name, as written to {@code picked_by}. */
  public String name() {
    return name;
  }

  /** The executions table in use. */
  public String tableName() {
    return tableName;
  }

  /**
   * Schedules an active feed if it has no schedule yet: its first sync runs now. An existing
   * schedule is kept as it is. Returns whether a schedule was created; false for an inactive feed.
   * Save the feed in the store first: each run looks it up there (a feed missing from the store
   * stops its schedule).
   */
  public boolean enrol(Feed feed) {
    Objects.requireNonNull(feed, "feed");
    if (!feed.active()) {
      return false;
    }
    return scheduler.scheduleIfNotExists(instance(feed.tenant(), feed.id()), clock.instant());
  }

  /** {@link #enrol(Feed)} for a feed looked up in the store; false when it is unknown or inactive. */
  public boolean enrol(String tenant, String feedId) {
    return feeds.feed(tenant, feedId).map(this::enrol).orElse(false);
  }

  /**
   * Schedules every active feed of the store that has no schedule yet, their first runs spread
   * uniformly over each feed's interval (so enrolling 50,000 feeds does not make them all due at
   * once). Safe to run on every worker at once. Returns how many schedules were created.
   */
  public int enrolAll() {
    return enrolMissing(null);
  }

  /**
   * {@link #enrolAll()} with the first runs spread over {@code [now, now + spread)} instead of each
   * feed's interval; {@code Duration.ZERO} makes them all due now (an initial import the host wants
   * synced at once; the per-tenant cap keeps other tenants served meanwhile).
   */
  public int enrolAll(Duration spread) {
    Checks.nonNegative(spread, "spread");
    return enrolMissing(spread);
  }

  private int enrolMissing(@Nullable Duration spread) {
    Set<String> existing = existingInstanceIds();
    Instant now = clock.instant();
    List<SchedulableInstance<?>> missing = new ArrayList<>();
    for (Feed feed : feeds.allFeeds()) {
      if (!feed.active()) {
        continue;
      }
      TaskInstance<Integer> instance = instance(feed.tenant(), feed.id());
      if (existing.contains(instance.getId())) {
        continue;
      }
      long window = (spread != null ? spread : feed.pollInterval()).toMillis();
      Instant first = window <= 0 ? now : now.plusMillis(ThreadLocalRandom.current().nextLong(window));
      missing.add(SchedulableInstance.of(instance, first));
    }
    int created = 0;
    for (int from = 0; from < missing.size(); from += 1000) {
      List<SchedulableInstance<?>> chunk = missing.subList(from, Math.min(missing.size(), from + 1000));
      try {
        scheduler.scheduleBatch(chunk);
        created += chunk.size();
      } catch (FailedToScheduleBatchException e) {
        // another worker enrolled some of them meanwhile
        created += scheduleOneByOne(chunk);
      }
    }
    if (created > 0) {
      LOG.info("enrolled {} feeds", created);
    }
    return created;
  }

  private int scheduleOneByOne(List<SchedulableInstance<?>> chunk) {
    int created = 0;
    for (SchedulableInstance<?> s : chunk) {
      if (scheduler.scheduleIfNotExists(s)) {
        created++;
      }
    }
    return created;
  }

  /**
   * Moves a feed's next sync to now. Returns false when the feed is syncing right now (it then keeps
   * its normal cadence) or is unknown or inactive; an active feed without a schedule is enrolled.
   */
  public boolean syncNow(String tenant, String feedId) {
    String id = FeedTaskId.instanceId(tenant, feedId);
    try {
      boolean moved = scheduler.reschedule(TaskInstanceId.of(TASK_NAME, id), clock.instant());
      if (moved) {
        scheduler.triggerCheckForDueExecutions();
      }
      return moved;
    } catch (TaskInstanceCurrentlyExecutingException e) {
      return false;
    } catch (TaskInstanceNotFoundException e) {
      return enrol(tenant, feedId);
    }
  }

  /**
   * Moves the next sync of every scheduled feed of {@code tenant} that is not syncing right now to
   * now ("refresh all my calendars"). One UPDATE on our table; the per-tenant cap keeps a big
   * tenant's burst from starving the others. Returns how many feeds were moved.
   */
  public int syncNow(String tenant) {
    Checks.nonBlank(tenant, "tenant");
    String prefix = FeedTaskId.tenantPrefix(tenant).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE " + tableName
            + " SET execution_time = ?, version = version + 1"
            + " WHERE task_name = ? AND picked = ? AND task_instance LIKE ? ESCAPE '\\'")) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      ps.setObject(1, java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC));
      ps.setString(2, TASK_NAME);
      ps.setBoolean(3, false);
      ps.setString(4, prefix + "%");
      int moved = ps.executeUpdate();
      if (moved > 0) {
        scheduler.triggerCheckForDueExecutions();
      }
      return moved;
    } catch (SQLException e) {
      throw new IcsSyncException.StorageException("cannot move the syncs of tenant " + tenant, e);
    }
  }

  /**
   * Removes a feed's schedule. When the feed is syncing right now, waits (at most the dead-execution
   * limit) for that sync to finish and then removes it. Returns false when there was no schedule.
   * Deactivating the feed in the store also stops it, at its next run.
   */
  public boolean cancel(String tenant, String feedId) {
    TaskInstanceId id = TaskInstanceId.of(TASK_NAME, FeedTaskId.instanceId(tenant, feedId));
    Instant deadline = Instant.now().plus(cancelWait);
    while (true) {
      try {
        scheduler.cancel(id);
        return true;
      } catch (TaskInstanceNotFoundException e) {
        return false;
      } catch (TaskInstanceCurrentlyExecutingException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new IcsSyncException("feed " + feedId + " of tenant " + tenant
              + " is still syncing after " + cancelWait + "; cancel again later", e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IcsSyncException("interrupted while cancelling feed " + feedId, ie);
        }
      }
    }
  }

  /** When the feed runs next; empty when it has no schedule. */
  public Optional<Instant> nextRun(String tenant, String feedId) {
    return scheduler.getScheduledExecution(TaskInstanceId.of(TASK_NAME, FeedTaskId.instanceId(tenant, feedId)))
        .map(ScheduledExecution::getExecutionTime);
  }

  /**
   * Whether this worker is started and not stopping: it polls for due feeds and keeps the
   * heartbeats of its running syncs (a readiness check's "the scheduler is running").
   */
  public boolean running() {
    com.github.kagkarlsson.scheduler.SchedulerState state = scheduler.getSchedulerState();
    return state.isStarted() && !state.isShuttingDown();
  }

  /**
   * Stops polling, waits (bounded by {@code shutdownMaxWait}) for running syncs, then writes the
   * states they left held for a batch.
   */
  @Override
  public void close() {
    try {
      scheduler.stop();
    } finally {
      if (flusher != null) {
        flusher.shutdownNow();
      }
      if (sync != null) {
        sync.flushStates();
      }
    }
  }

  private static TaskInstance<Integer> instance(String tenant, String feedId) {
    return new TaskInstance<>(TASK_NAME, FeedTaskId.instanceId(tenant, feedId), 0);
  }

  private Set<String> existingInstanceIds() {
    Set<String> ids = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT task_instance FROM " + tableName + " WHERE task_name = ?")) {
      ps.setString(1, TASK_NAME);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IcsSyncException.StorageException("cannot list scheduled feeds", e);
    }
    return ids;
  }

  /** Configuration of a worker; validated by {@link #start()}. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable IcsSync sync;
    private @Nullable FeedStore feeds;
    private @Nullable FeedRunner runner;
    private String tableName = DEFAULT_TABLE;
    private int threads = 10;
    private @Nullable Integer tenantConcurrency;
    private Duration pollingInterval = Duration.ofSeconds(10);
    private Duration heartbeatInterval = Duration.ofSeconds(30);
    private int missedHeartbeatsLimit = 4;
    private double jitter = 0.1;
    private Duration backoffBase = Duration.ofMinutes(1);
    private Duration backoffCap = Duration.ofHours(1);
    private Duration maxRetryAfter = Duration.ofHours(6);
    private Duration hostMinInterval = Duration.ZERO;
    private final Map<String, Duration> hostIntervals = new HashMap<>();
    private Duration shutdownMaxWait = Duration.ofSeconds(30);
    private boolean createTables = true;
    private boolean enrolOnStart = true;
    private @Nullable String schedulerName;
    private Clock clock = Clock.systemUTC();
    private Consumer<FeedSyncTask.RunRecord> observer = r -> {};

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The engine that syncs each feed; its store is where the feeds are looked up. Required. */
    public Builder sync(IcsSync value) {
      this.sync = Objects.requireNonNull(value, "sync");
      return this;
    }

    /** Our executions table (default {@value #DEFAULT_TABLE}); a plain or schema-qualified identifier. */
    public Builder tableName(String value) {
      this.tableName = Objects.requireNonNull(value, "tableName");
      return this;
    }

    /** Syncs this worker runs at once (default 10). */
    public Builder threads(int value) {
      this.threads = value;
      return this;
    }

    /**
     * Syncs of one tenant this worker runs at once (default {@code threads - 1}, at least 1): the rest
     * of the threads stay free for the other tenants. Set it to {@code threads} for a single tenant.
     */
    public Builder tenantConcurrency(int value) {
      this.tenantConcurrency = value;
      return this;
    }

    /** How often an idle worker looks for due feeds (default 10 s). */
    public Builder pollingInterval(Duration value) {
      this.pollingInterval = Objects.requireNonNull(value, "pollingInterval");
      return this;
    }

    /** How often a running sync's heartbeat is written (default 30 s). */
    public Builder heartbeatInterval(Duration value) {
      this.heartbeatInterval = Objects.requireNonNull(value, "heartbeatInterval");
      return this;
    }

    /**
     * Heartbeats a running sync may miss before another worker revives it (at least 4, the default: a dead worker's
     * feeds resume after about {@code heartbeatInterval * (limit + 2) + pollingInterval}).
     */
    public Builder missedHeartbeatsLimit(int value) {
      this.missedHeartbeatsLimit = value;
      return this;
    }

    /** Relative jitter of the interval after a success, in [0, 0.5] (default 0.1 = plus or minus 10 %). */
    public Builder jitter(double value) {
      this.jitter = value;
      return this;
    }

    /** Backoff of failed syncs: the first retry after {@code base}, growing to at most {@code cap}. */
    public Builder backoff(Duration base, Duration cap) {
      this.backoffBase = Objects.requireNonNull(base, "backoffBase");
      this.backoffCap = Objects.requireNonNull(cap, "backoffCap");
      return this;
    }

    /** Longest Retry-After honoured as asked (default 6 h); longer ones are cut to this. */
    public Builder maxRetryAfter(Duration value) {
      this.maxRetryAfter = Objects.requireNonNull(value, "maxRetryAfter");
      return this;
    }

    /**
     * Minimum time between two fetches of one host across every worker (default zero: off). Big
     * channels serve thousands of feeds a minute from one host; throttle the hosts that need it.
     */
    public Builder hostMinInterval(Duration value) {
      this.hostMinInterval = Objects.requireNonNull(value, "hostMinInterval");
      return this;
    }

    /** {@link #hostMinInterval(Duration)} for one host (case-insensitive), overriding the default. */
    public Builder hostMinInterval(String host, Duration value) {
      Objects.requireNonNull(host, "host");
      this.hostIntervals.put(host.toLowerCase(java.util.Locale.ROOT), Objects.requireNonNull(value, "hostMinInterval"));
      return this;
    }

    /** How long {@link #close()} waits for running syncs (default 30 s). */
    public Builder shutdownMaxWait(Duration value) {
      this.shutdownMaxWait = Objects.requireNonNull(value, "shutdownMaxWait");
      return this;
    }

    /** Create our tables when missing (default true); false when the host runs the shipped SQL itself. */
    public Builder createTables(boolean value) {
      this.createTables = value;
      return this;
    }

    /** Run {@link #enrolAll()} when started (default true). */
    public Builder enrolOnStart(boolean value) {
      this.enrolOnStart = value;
      return this;
    }

    /** This worker's name in {@code picked_by} (default {@code icssync-<pid>-<random>}). */
    public Builder schedulerName(String value) {
      this.schedulerName = Objects.requireNonNull(value, "schedulerName");
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    Builder feeds(FeedStore value) {
      this.feeds = value;
      return this;
    }

    Builder runner(FeedRunner value) {
      this.runner = value;
      return this;
    }

    Builder observer(Consumer<FeedSyncTask.RunRecord> value) {
      this.observer = value;
      return this;
    }

    /**
     * Validates every setting before anything else, then creates the tables if asked, starts
     * polling, and enrols the active feeds if asked.
     *
     * @throws ConfigurationException naming the setting, when one is out of range or blank, or
     *     {@code sync} is not set; nothing has been created or started then
     */
    public FeedSyncScheduler start() {
      FeedStore store = feeds != null ? feeds : sync != null ? sync.store() : null;
      // batched: the state write of a 304 or an unchanged body joins other feeds' in one transaction
      FeedRunner run = runner != null ? runner : sync != null ? sync::syncFeedBatched : null;
      if (store == null || run == null) {
        throw new ConfigurationException("sync must be set");
      }
      String table = Schema.checkTableName(tableName);
      Checks.positive(threads, "threads");
      int perTenant = tenantConcurrency != null ? tenantConcurrency : Math.max(1, threads - 1);
      Checks.positive(perTenant, "tenantConcurrency");
      Checks.positive(pollingInterval, "pollingInterval");
      Checks.positive(heartbeatInterval, "heartbeatInterval");
      if (missedHeartbeatsLimit < 4) {
        // db-scheduler's own floor: fewer would declare slow but live workers dead
        throw new ConfigurationException("missedHeartbeatsLimit must be at least 4, was " + missedHeartbeatsLimit);
      }
      if (!(jitter >= 0 && jitter <= 0.5)) {
        throw new ConfigurationException("jitter must be in [0, 0.5], was " + jitter);
      }
      Backoff.exponential(backoffBase, backoffCap); // the checks of the library's one backoff
      Checks.positive(maxRetryAfter, "maxRetryAfter");
      Checks.nonNegative(hostMinInterval, "hostMinInterval");
      hostIntervals.forEach((host, d) -> {
        Checks.nonBlank(host, "host");
        Checks.nonNegative(d, "hostMinInterval");
      });
      if (schedulerName != null) {
        Checks.nonBlank(schedulerName, "schedulerName");
      }
      Checks.nonNegative(shutdownMaxWait, "shutdownMaxWait");
      String workerName = schedulerName != null ? schedulerName
          : "icssync-" + ProcessHandle.current().pid() + "-"
              + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));

      Schema.Dialect dialect = Schema.dialect(dataSource);
      if (createTables) {
        Schema.create(dataSource, dialect, table);
      }
      ReschedulePolicy policy = new ReschedulePolicy(jitter, backoffBase, backoffCap, maxRetryAfter);
      HostGate hosts = new HostGate(dataSource, dialect, Schema.hostSlotsTable(table), hostMinInterval, hostIntervals);
      Duration maxHostWait = Duration.ofMillis(Math.min(2_000, Math.max(
          hostMinInterval.toMillis(), hostIntervals.values().stream().mapToLong(Duration::toMillis).max().orElse(0)) * 2));
      FeedSyncTask handler = new FeedSyncTask(store, run, policy, new TenantGate(perTenant), hosts, clock,
          pollingInterval, maxHostWait, observer);
      CustomTask<Integer> task = Tasks.custom(TASK_NAME, Integer.class)
          .onDeadExecutionRevive()
          .onFailure((complete, ops) -> {
            // only reached if the handler itself threw; keep the feed alive with a backoff
            ops.reschedule(complete, clock.instant().plus(policy.backoff(1, ThreadLocalRandom.current())));
          })
          .execute(handler);
      SchedulerBuilder builder = Scheduler.create(dataSource, task)
          .tableName(table)
          .threads(threads)
          .pollingInterval(pollingInterval)
          .heartbeatInterval(heartbeatInterval)
          .missedHeartbeatsLimit(missedHeartbeatsLimit)
          .schedulerName(new SchedulerName.Fixed(workerName))
          .serializer(new FailureCountSerializer())
          .clock(clock::instant)
          .shutdownMaxWait(shutdownMaxWait)
          .alwaysPersistTimestampInUTC()
          .enableImmediateExecution();
      if (dialect == Schema.Dialect.POSTGRESQL) {
        // one statement: UPDATE ... WHERE ... IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n) RETURNING
        builder.pollUsingLockAndFetch(0.5, 1.0);
      }
      Scheduler scheduler = builder.build();
      Duration cancelWait = heartbeatInterval.multipliedBy(missedHeartbeatsLimit + 2L);
      FeedSyncScheduler worker = new FeedSyncScheduler(scheduler, store, dataSource, table, workerName, clock, cancelWait,
          runner == null ? sync : null);
      scheduler.start();
      if (enrolOnStart) {
        worker.enrolAll();
      }
      LOG.info("feed scheduler {} started on table {} ({} threads)", workerName, table, threads);
      return worker;
    }
  }
}
