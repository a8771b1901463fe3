package dev.icssync.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeCounts;
import dev.icssync.Checks;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.ExportToken;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.HistoryRetention;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.IcsSyncException.StaleGenerationException;
import dev.icssync.IcsSyncException.StorageException;
import dev.icssync.PropertySettings;
import dev.icssync.Quarantine;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncRun;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.FeedWithState;
import dev.icssync.spi.StateUpdate;
import dev.icssync.spi.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The JDBC store: PostgreSQL for production, H2 as the embedded default. The database is detected
 * from the connection on first use.
 *
 * <pre>{@code
 * JdbcStore.migrate(dataSource);                 // once at startup (Flyway, own history table)
 * Store store = JdbcStore.create(dataSource);
 *
 * Store store = JdbcStore.builder(primary)
 *     .readDataSource(replica)                   // lag-tolerant reads
 *     .rowLevelSecurity(true)                    // PostgreSQL policies on app.tenant_id
 *     .statementTimeout(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 *
 * <p>Every statement is scoped by tenant. Every write runs in one transaction with the statement
 * and lock timeouts set for that transaction (small reads of one statement on PostgreSQL without
 * row-level security run in auto-commit, bounded by the statement timeout as a query timeout); an
 * apply saves the feed's state only if the stored generation is the apply's own (which locks the
 * state row), renames, upserts (rows whose columns are all unchanged are not written) and appends
 * the run, all or nothing. The states of 304s and unchanged bodies ({@link #saveStates}) are written
 * a batch per transaction (one statement on PostgreSQL, one primary-key probe per state), their runs as
 * tally rows.
 * {@link java.sql.SQLException}s are thrown as {@link StorageException} with the cause kept.
 *
 * <p>The host owns the {@link DataSource} and must bound the network: on pgjdbc set
 * {@code connectTimeout}, {@code socketTimeout} (longer than the statement timeout, e.g. 60 s) and
 * {@code tcpKeepAlive=true}; on the pool a connection timeout of a few seconds. The store sets
 * {@code statement_timeout} and {@code lock_timeout} per transaction.
 *
 * <p>Reads that tolerate replication lag go to the read data source when one is given:
 * {@link #events}, {@link #conflicts}, {@link #runs}, {@link #feeds}, {@link #allFeeds} and
 * {@link #tokens}. Everything a sync depends on ({@link #state}, {@link #eventsOfFeed},
 * {@link #feed}, {@link #property}), every read that decides a write or is cached
 * ({@link #eventsForWrite}, {@link #conflictsForWrite}: conflict detection, ignoring a conflict,
 * export renders), the token check of an export request ({@link #tokenByHash}: a revoked token
 * must stop working at once) and every write go to the primary.
 *
 * <p>PostgreSQL keeps instants to the microsecond: finer instants are truncated when stored.
 */
public final class JdbcStore implements Store {
  private static final Comparator<CalendarEvent> BY_START = Comparator
      .comparing((CalendarEvent e) -> Rows.start(e.range()))
      .thenComparing(CalendarEvent::key);
  private static final Comparator<Feed> BY_FEED = Comparator.comparing(Feed::tenant).thenComparing(Feed::id);

  private static final String FEED_COLUMNS = "id, tenant, property, source, url, poll_interval_ms, active, priority";
  private static final String CONFLICT_COLUMNS = "tenant, id, property, first_feed_id, first_uid, "
      + "first_recurrence_id, second_feed_id, second_uid, second_recurrence_id, overlap_start, overlap_end, status, "
      + "winner_feed_id, winner_uid, winner_recurrence_id, opened_at, resolved_at";
  private static final String RUN_COLUMNS = "tenant, feed_id, run_id, generation, started_at, finished_at, outcome, "
      + "failure, seen, created, updated, cancelled, reinstated, unchanged, uid_reissued, held_back, message, bytes, duration_ms";
  private static final String TOKEN_COLUMNS = "hash, tenant, property, channel, created_at, expires_at, revoked_at";
  private static final String PROPERTY_COLUMNS = "tenant, property, zone, check_in, check_out";

  // the statements of the main reads (package-private: the PostgreSQL plan test explains them)
  static final String EVENTS_OF_FEED_SQL = "SELECT " + Rows.EVENT_COLUMNS + " FROM icssync_event "
      + "WHERE tenant = ? AND feed_id = ? ORDER BY uid, recurrence_id";
  static final String RUNS_SQL = "SELECT " + RUN_COLUMNS + " FROM icssync_sync_run "
      + "WHERE tenant = ? AND feed_id = ? ORDER BY seq DESC LIMIT ?";
  static final String TOKENS_SQL = "SELECT " + TOKEN_COLUMNS + " FROM icssync_export_token"
      + " WHERE tenant = ? AND property = ? ORDER BY created_at DESC, hash";
  static final String TOKEN_BY_HASH_SQL = "SELECT " + TOKEN_COLUMNS + " FROM icssync_export_token WHERE hash = ?";
  static final String STATE_FOR_UPDATE_SQL = "SELECT " + Rows.STATE_COLUMNS
      + " FROM icssync_feed_state WHERE tenant = ? AND feed_id = ? FOR UPDATE";

  private final DataSource primary;
  private final DataSource read;
  private final Settings settings;
  private volatile @Nullable Dialect dialect;
  private final @Nullable Dialect fixedDialect;

  private JdbcStore(DataSource primary, DataSource read, Settings settings, @Nullable Dialect fixedDialect) {
    this.primary = primary;
    this.read = read;
    this.settings = settings;
    this.fixedDialect = fixedDialect;
  }

  /** A store on {@code dataSource} with default settings (no separate reads, no row-level security). */
  public static JdbcStore create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Creates or upgrades the schema on {@code dataSource} with Flyway (history table
   * {@code icssync_schema_history}, so it never clashes with the host's own). Scripts:
   * {@code db/icssync/postgresql/} or {@code db/icssync/h2/} on the classpath. Flyway uses two
   * connections at once: a pool of one connection is not enough.
   */
  public static void migrate(DataSource dataSource) {
    Migrations.migrate(dataSource, false);
  }

  /**
   * {@link #migrate} plus PostgreSQL row-level security on every ics-sync table
   * ({@code db/icssync/postgresql-rls/}); use with {@link Builder#rowLevelSecurity(boolean)} and an
   * application role that does not own the tables.
   */
  public static void migrateWithRowLevelSecurity(DataSource dataSource) {
    Migrations.migrate(dataSource, true);
  }

  // ---------------------------------------------------------------------------------------- feeds

  @Override
  public void saveFeed(Feed feed) {
    Objects.requireNonNull(feed, "feed");
    write(feed.tenant(), "save feed " + feed.id(), c -> {
      if (feed.active()) {
        // re-activated (removed, then added again): the next sync must read the whole body
        try (PreparedStatement ps = c.prepareStatement(FORGET_VALIDATORS_OF_INACTIVE_SQL)) {
          ps.setString(1, feed.tenant());
          ps.setString(2, feed.id());
          ps.setString(3, feed.tenant());
          ps.setString(4, feed.id());
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(dialect().upsertSql("icssync_feed",
          List.of(FEED_COLUMNS.split(", ")), List.of("tenant", "id")))) {
        ps.setString(1, feed.id());
        ps.setString(2, feed.tenant());
        ps.setString(3, feed.property());
        ps.setString(4, feed.source());
        ps.setString(5, feed.url());
        ps.setLong(6, feed.pollInterval().toMillis());
        ps.setBoolean(7, feed.active());
        ps.setInt(8, feed.priority());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<Feed> feed(String tenant, String feedId) {
    return Optional.ofNullable(query(primary, tenant, false, "read feed " + feedId, c -> {
      List<Feed> found = queryFeeds(c, " WHERE tenant = ? AND id = ?", tenant, feedId);
      return found.isEmpty() ? null : found.get(0);
    }));
  }

  @Override
  public List<Feed> feeds(String tenant) {
    List<Feed> out = query(read, tenant, false, "list feeds",
        c -> queryFeeds(c, " WHERE tenant = ? ORDER BY id", tenant));
    return sorted(out, BY_FEED);
  }

  @Override
  public List<Feed> allFeeds() {
    List<Feed> out = query(read, null, true, "list all feeds",
        c -> queryFeeds(c, " ORDER BY tenant, id"));
    return sorted(out, BY_FEED);
  }

  private List<Feed> queryFeeds(Connection c, String where, String... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, "SELECT " + FEED_COLUMNS + " FROM icssync_feed" + where)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      List<Feed> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Feed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              Duration.ofMillis(rs.getLong(6)), rs.getBoolean(7), rs.getInt(8)));
        }
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------- state

  @Override
  public FeedState state(String tenant, String feedId) {
    return query(primary, tenant, false, "read state of feed " + feedId, c -> {
      FeedState s = readState(c, tenant, feedId, false);
      return s == null ? FeedState.initial(tenant, feedId) : s;
    });
  }

  /** Feed ids per statement of {@link #feedsWithStates}: bounds the array bound to one statement. */
  private static final int FEEDS_WITH_STATES_CHUNK = 1000;

  private static final String FEEDS_WITH_STATES_COLUMNS = "SELECT f." + FEED_COLUMNS.replace(", ", ", f.")
      + ", s." + Rows.STATE_COLUMNS.substring(Rows.STATE_COLUMNS.indexOf("feed_id")).replace(", ", ", s.");

  /** H2: the tenant, then the ids as an array. */
  static final String FEEDS_WITH_STATES_SQL = FEEDS_WITH_STATES_COLUMNS
      + " FROM icssync_feed f LEFT JOIN icssync_feed_state s ON s.tenant = f.tenant AND s.feed_id = f.id"
      + " WHERE f.tenant = ? AND f.id = ANY(?)";

  /**
   * PostgreSQL: the ids as an array, then the tenant. One primary-key probe per id: written as
   * {@code f.id = ANY(?)}, the planner reads both tables sequentially and hashes them once a tenant
   * has a few thousand feeds (its cost model prices a few hundred probes above a scan of a small
   * table), about ten times the probes' time; the lateral subquery with its LIMIT cannot be turned
   * into such a join.
   */
  static final String PG_FEEDS_WITH_STATES_SQL = FEEDS_WITH_STATES_COLUMNS
      + " FROM unnest(?::text[]) AS k(id) CROSS JOIN LATERAL (SELECT * FROM icssync_feed f0"
      + " WHERE f0.tenant = ? AND f0.id = k.id LIMIT 1) f"
      + " LEFT JOIN icssync_feed_state s ON s.tenant = f.tenant AND s.feed_id = f.id";

  /**
   * One statement per thousand ids: the feeds joined with their states, the ids bound as one array
   * (one prepared statement whatever their number), from the primary.
   */
  @Override
  public List<FeedWithState> feedsWithStates(String tenant, List<String> feedIds) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedIds, "feedIds");
    if (feedIds.isEmpty()) {
      return List.of();
    }
    Map<String, FeedWithState> found = new HashMap<>();
    for (int from = 0; from < feedIds.size(); from += FEEDS_WITH_STATES_CHUNK) {
      List<String> chunk = feedIds.subList(from, Math.min(feedIds.size(), from + FEEDS_WITH_STATES_CHUNK));
      query(primary, tenant, false, "read " + chunk.size() + " feeds with their states", c -> {
        boolean postgres = dialect(c).name().equals("postgresql");
        try (PreparedStatement ps = prepare(c, postgres ? PG_FEEDS_WITH_STATES_SQL : FEEDS_WITH_STATES_SQL)) {
          ps.setString(postgres ? 2 : 1, tenant);
          ps.setArray(postgres ? 1 : 2, c.createArrayOf(postgres ? "text" : "VARCHAR", chunk.toArray()));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Feed f = new Feed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                  Duration.ofMillis(rs.getLong(6)), rs.getBoolean(7), rs.getInt(8));
              FeedState st = rs.getString("feed_id") == null ? FeedState.initial(tenant, f.id()) : Rows.state(rs);
              found.put(f.id(), new FeedWithState(f, st));
            }
          }
        }
        return null;
      });
    }
    List<FeedWithState> out = new ArrayList<>(found.size());
    for (String id : feedIds) {
      FeedWithState fs = found.remove(id);
      if (fs != null) {
        out.add(fs);
      }
    }
    return out;
  }

  @Override
  public FeedState beginSync(String tenant, String feedId, Instant now) {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(feedId, "feedId");
    Objects.requireNonNull(now, "now");
    return openedTransaction(tenant, false, "begin sync of feed " + feedId,
        (c, d) -> d.beginSync(c, settings, tenant, feedId, now));
  }

  private static final String BEGIN_FROM_SQL = "UPDATE icssync_feed_state SET generation = generation + 1, "
      + "last_attempt = ? WHERE tenant = ? AND feed_id = ? AND generation = ?";

  private static final String PG_BEGIN_FIRST_SQL = "INSERT INTO icssync_feed_state AS s (last_attempt, tenant, feed_id, "
      + "generation) VALUES (?, ?, ?, 1) ON CONFLICT (tenant, feed_id) DO UPDATE SET generation = s.generation + 1, "
      + "last_attempt = excluded.last_attempt WHERE s.generation = 0 RETURNING " + Rows.STATE_COLUMNS;
  private static final String PG_BEGIN_FROM_SQL = "UPDATE icssync_feed_state SET generation = generation + 1, "
      + "last_attempt = ? WHERE tenant = ? AND feed_id = ? AND generation = ? RETURNING " + Rows.STATE_COLUMNS;

  /** One transaction: the bump matches only the expected generation (a first sync inserts the row first). */
  @Override
  public Optional<FeedState> beginSync(String tenant, String feedId, Instant now, long generation) {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(feedId, "feedId");
    Objects.requireNonNull(now, "now");
    return Optional.ofNullable(openedTransaction(tenant, false, "begin sync of feed " + feedId, (c, d) -> {
      if (d.pipelinesSettings()) {
        // one statement after the settings: the first sync inserts the row at generation 1, a later
        // one bumps its own
        try (PreparedStatement ps = c.prepareStatement(PostgresDialect.beginSql(settings, false) + "; "
            + (generation == 0 ? PG_BEGIN_FIRST_SQL : PG_BEGIN_FROM_SQL))) {
          int i = PostgresDialect.bindBegin(ps, 1, settings, tenant, false);
          Rows.setInstant(ps, i, now, d);
          ps.setString(i + 1, tenant);
          ps.setString(i + 2, feedId);
          if (generation != 0) {
            ps.setLong(i + 3, generation);
          }
          try (ResultSet rs = PostgresDialect.afterSettings(ps)) {
            return rs.next() ? Rows.state(rs) : null;
          }
        }
      }
      if (generation == 0) {
        d.insertStateIfAbsent(c, tenant, feedId);
      }
      try (PreparedStatement ps = c.prepareStatement(BEGIN_FROM_SQL)) {
        Rows.setInstant(ps, 1, now, d);
        ps.setString(2, tenant);
        ps.setString(3, feedId);
        ps.setLong(4, generation);
        if (ps.executeUpdate() != 1) {
          return null;
        }
      }
      return readState(c, tenant, feedId, false);
    }));
  }

  private @Nullable FeedState readState(Connection c, String tenant, String feedId, boolean forUpdate)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, "SELECT " + Rows.STATE_COLUMNS
        + " FROM icssync_feed_state WHERE tenant = ? AND feed_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
      ps.setString(1, tenant);
      ps.setString(2, feedId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Rows.state(rs) : null;
      }
    }
  }

  // ---------------------------------------------------------------------------------------- apply

  @Override
  public ApplyResult apply(FeedApply apply) {
    Objects.requireNonNull(apply, "apply");
    String tenant = apply.tenant();
    String feedId = apply.feedId();
    // later duplicates of a key replace earlier ones (one row per key and statement)
    Map<EventKey, CalendarEvent> byKey = new LinkedHashMap<>();
    for (CalendarEvent e : apply.upserts()) {
      byKey.remove(e.key());
      byKey.put(e.key(), e);
    }
    List<CalendarEvent> upserts = new ArrayList<>(byKey.values());
    return openedTransaction(tenant, true, "apply to feed " + feedId, (c, d) -> {
      // 1. the fencing check, the new state and the change log in one statement: the state update
      //    matches only the generation this apply holds and keeps the state row locked until commit.
      //    Where the dialect pipelines, the transaction's settings go before it and the probe for
      //    stored events after it, in the same round trip
      boolean probe = d.probesStoredEvents(upserts.size(), settings.rowLevelSecurity());
      Boolean hasEvents = null;
      boolean saved;
      if (d.pipelinesSettings()) {
        Opening o = openApply(c, tenant, apply.state(), apply.run(), probe);
        saved = o.saved();
        hasEvents = o.hasEvents();
      } else {
        saved = saveStateAndRun(c, apply.state(), apply.run());
      }
      if (!saved) {
        FeedState stored = readState(c, tenant, feedId, true);
        if (stored == null) {
          d.insertStateIfAbsent(c, tenant, feedId);
          stored = Objects.requireNonNull(readState(c, tenant, feedId, true));
        }
        if (stored.generation() != apply.state().generation() || !saveStateAndRun(c, apply.state(), apply.run())) {
          throw new StaleGenerationException("feed " + feedId + ": apply holds generation "
              + apply.state().generation() + " but the store has " + stored.generation());
        }
      }
      // 2. renames (UID reissues), in order
      int rekeyed = rekey(c, apply.rekeys());
      // 3. upserts, skipping unchanged rows
      int written = d.upsertEvents(c, tenant, feedId, upserts, settings.rowLevelSecurity(), hasEvents);
      return new ApplyResult(written, rekeyed);
    });
  }

  /** What the opening round trip of a pipelined apply found: whether the fenced update matched, and the probe. */
  private record Opening(boolean saved, @Nullable Boolean hasEvents) {}

  /**
   * The opening of an apply on PostgreSQL, one round trip: the transaction's settings, the fenced
   * state update with its run, and (when {@code probe}) whether the feed has stored events, as three
   * statements sent together. The probe runs after the update took the state row lock, with a
   * snapshot of its own (READ COMMITTED), so it sees the events of an apply of this feed that
   * committed while the update waited for that lock. If the update matched no row the probe is
   * dropped: it was read without the lock.
   */
  private Opening openApply(Connection c, String tenant, FeedState s, @Nullable SyncRun run, boolean probe)
      throws SQLException {
    String sql = PostgresDialect.beginSql(settings, true) + "; " + stateAndRunSql(run)
        + (probe ? "; " + PostgresDialect.HAS_EVENTS_SQL : "");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = PostgresDialect.bindBegin(ps, 1, settings, tenant, false);
      i = bindState(ps, i, s);
      if (run != null) {
        bindRun(ps, i, run);
        i += RUN_PARAMETERS;
      }
      if (probe) {
        ps.setString(i, s.tenant());
        ps.setString(i + 1, s.feedId());
      }
      ps.execute(); // the settings
      if (ps.getMoreResults()) {
        throw new SQLException("the fenced state update returned rows");
      }
      boolean saved = ps.getUpdateCount() == 1;
      Boolean hasEvents = null;
      if (probe && ps.getMoreResults()) {
        try (ResultSet rs = ps.getResultSet()) {
          rs.next();
          hasEvents = rs.getBoolean(1);
        }
      }
      return new Opening(saved, saved ? hasEvents : null);
    }
  }

  // ------------------------------------------------------------------------------ batched states

  /** Saves at most this many states per statement (PostgreSQL) or batch (H2). */
  static final int STATE_BATCH = 1000;

  /**
   * The fence of a state update (see {@link StateUpdate#stillCurrent}): the stored generation,
   * digest, parser version, failures in a row, last success and quarantine are the ones it read.
   */
  private static final String STILL_CURRENT = "s.generation = x.gen AND s.content_digest IS NOT DISTINCT FROM x.e_digest "
      + "AND s.parser_version = x.e_pv AND s.consecutive_failures = x.e_cf AND s.last_success IS NOT DISTINCT FROM x.e_ls "
      + "AND s.quarantine_reason IS NOT DISTINCT FROM x.e_qr AND s.quarantine_since IS NOT DISTINCT FROM x.e_qs "
      + "AND s.quarantine_pending IS NOT DISTINCT FROM x.e_qp AND s.quarantine_digest IS NOT DISTINCT FROM x.e_qd "
      + "AND s.quarantine_confirmations IS NOT DISTINCT FROM x.e_qc";

  private static final String PG_MICROS = "timestamptz 'epoch' + interval '1 microsecond' * ";

  /**
   * PostgreSQL: a whole batch in one statement. The updates arrive as arrays (one per column) in two
   * sets: {@code x}, the states written whole, and {@code y}, the states of which only the times
   * change (a poll's usual result: see {@link #onlyTimesChange}), which bind and write three columns
   * and are fenced by the same conditions, the unchanged ones compared with the state they keep. The
   * fence's "no failure, no quarantine" is compared with columns of {@code y} (a materialised CTE,
   * so they stay join conditions): as conditions on the states alone, the planner reckoned, before
   * the states were first analysed, that one state would pass them, and scanned every state once per
   * batch instead of probing the primary key once per update. The
   * fenced UPDATEs return the feeds they saved, and the runs of those are kept as one tally row per
   * tenant, source and outcome (feed_id '', syncs = how many runs it stands for).
   */
  static final String PG_SAVE_STATES_SQL = "WITH x AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], "
      + "?::text[], ?::text[], ?::int4[], ?::int8[], ?::int8[], ?::int4[], ?::text[], ?::int8[], ?::text[], ?::int8[], "
      + "?::int4[], ?::text[], ?::int4[], ?::int8[], ?::text[], ?::int4[], ?::int4[], ?::int8[], ?::text[], ?::int8[], "
      + "?::int4[], ?::text[], ?::int4[], ?::text[], ?::int8[], ?::int8[], ?::int8[]) AS x(tenant, feed_id, etag, lm, "
      + "digest, pv, la, ls, cf, le, nd, qr, qs, qp, qd, qc, gen, e_digest, e_pv, e_cf, e_ls, e_qr, e_qs, e_qp, e_qd, "
      + "e_qc, outcome, started, finished, bytes)), "
      + "u AS (UPDATE icssync_feed_state s SET etag = x.etag, last_modified = x.lm, content_digest = x.digest, "
      + "parser_version = x.pv, last_attempt = " + PG_MICROS + "x.la, last_success = " + PG_MICROS + "x.ls, "
      + "consecutive_failures = x.cf, last_error = x.le, next_due = " + PG_MICROS + "x.nd, quarantine_reason = x.qr, "
      + "quarantine_since = " + PG_MICROS + "x.qs, quarantine_pending = x.qp, quarantine_digest = x.qd, "
      + "quarantine_confirmations = x.qc FROM x WHERE s.tenant = x.tenant AND s.feed_id = x.feed_id AND "
      + STILL_CURRENT.replace("x.e_ls", PG_MICROS + "x.e_ls").replace("x.e_qs", PG_MICROS + "x.e_qs")
      + " RETURNING s.tenant, s.feed_id, x.outcome, x.started, x.finished, x.bytes), "
      + "y AS MATERIALIZED (SELECT *, 0 AS cf, 5 AS no_q FROM unnest(?::text[], ?::text[], ?::text[], ?::int4[], "
      + "?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::text[], ?::int8[], ?::int8[], ?::int8[]) AS y0(tenant, "
      + "feed_id, digest, pv, la, ls, nd, gen, e_ls, outcome, started, finished, bytes)), "
      + "v AS (UPDATE icssync_feed_state s SET last_attempt = " + PG_MICROS + "y.la, last_success = " + PG_MICROS
      + "y.ls, next_due = " + PG_MICROS + "y.nd FROM y WHERE s.tenant = y.tenant AND s.feed_id = y.feed_id AND "
      + "s.generation = y.gen AND s.content_digest IS NOT DISTINCT FROM y.digest AND s.parser_version = y.pv "
      + "AND s.consecutive_failures = y.cf AND s.last_success IS NOT DISTINCT FROM " + PG_MICROS + "y.e_ls "
      + "AND num_nulls(s.quarantine_reason, s.quarantine_since, s.quarantine_pending, s.quarantine_digest, "
      + "s.quarantine_confirmations) = y.no_q "
      + "RETURNING s.tenant, s.feed_id, y.outcome, y.started, y.finished, y.bytes), "
      + "w AS (SELECT * FROM u UNION ALL SELECT * FROM v), "
      + "t AS (INSERT INTO icssync_sync_run (" + RUN_COLUMNS + ", source, syncs) "
      + "SELECT w.tenant, '', gen_random_uuid()::text, 0, " + PG_MICROS + "MIN(w.started), " + PG_MICROS
      + "MAX(w.finished), w.outcome, NULL, 0, 0, 0, 0, 0, 0, 0, 0, "
      + "COUNT(*) || ' syncs: ' || lower(replace(w.outcome, '_', ' ')), SUM(w.bytes), "
      + "CAST(AVG(w.finished - w.started) / 1000 AS int8), COALESCE(f.source, ''), COUNT(*) "
      + "FROM w LEFT JOIN icssync_feed f ON f.tenant = w.tenant AND f.id = w.feed_id "
      + "WHERE w.outcome IS NOT NULL GROUP BY w.tenant, f.source, w.outcome RETURNING 1) "
      + "SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM t)";

  /**
   * Sent before {@link #PG_SAVE_STATES_SQL} in its transaction: join only by nested loops, so that
   * the update probes the states' primary key once per state and the tallies the feeds' once per
   * saved state. Left to itself, the planner read a fleet tenant's states whole and hashed them for
   * every batch (from about 77 states of 10,000 feeds, 1,000 of 20,000): the rows read of a 304
   * were a hundred times its own. Transaction-local; the statement joins nothing else.
   */
  static final String PG_SAVE_STATES_PLANNER = "SELECT set_config('enable_hashjoin', 'off', true), "
      + "set_config('enable_mergejoin', 'off', true)";

  /** H2: one fenced UPDATE per state, in one JDBC batch. */
  private static final String H2_SAVE_STATE_SQL = "UPDATE icssync_feed_state s SET etag = ?, last_modified = ?, "
      + "content_digest = ?, parser_version = ?, last_attempt = ?, last_success = ?, consecutive_failures = ?, "
      + "last_error = ?, next_due = ?, quarantine_reason = ?, quarantine_since = ?, quarantine_pending = ?, "
      + "quarantine_digest = ?, quarantine_confirmations = ? WHERE s.tenant = ? AND s.feed_id = ? AND "
      + STILL_CURRENT.replace("x.gen", "?").replaceAll("x\\.e_[a-z]+", "?");

  /**
   * One transaction per batch (per tenant under row-level security, whose policies check each
   * write's tenant): on PostgreSQL one statement, on H2 one JDBC batch and the tallies. The runs of
   * the saved states are kept as tallies, one row per tenant, source and outcome, that the
   * statistics view counts as {@code syncs} runs; {@link #runs} of a feed lists them not.
   */
  @Override
  public int saveStates(List<StateUpdate> updates) {
    Objects.requireNonNull(updates, "updates");
    if (updates.isEmpty()) {
      return 0;
    }
    List<List<StateUpdate>> batches = new ArrayList<>();
    if (settings.rowLevelSecurity()) {
      Map<String, List<StateUpdate>> byTenant = new LinkedHashMap<>();
      for (StateUpdate u : updates) {
        byTenant.computeIfAbsent(u.state().tenant(), t -> new ArrayList<>()).add(u);
      }
      byTenant.values().forEach(l -> split(l, batches));
    } else {
      split(updates, batches);
    }
    int saved = 0;
    for (List<StateUpdate> batch : batches) {
      String tenant = settings.rowLevelSecurity() ? batch.get(0).state().tenant() : null;
      saved += transaction(primary, tenant, tenant == null, true, "save " + batch.size() + " feed states",
          c -> dialect().name().equals("postgresql") ? saveStatesPostgres(c, batch) : saveStatesH2(c, batch));
    }
    return saved;
  }

  private static void split(List<StateUpdate> list, List<List<StateUpdate>> into) {
    for (int from = 0; from < list.size(); from += STATE_BATCH) {
      into.add(list.subList(from, Math.min(list.size(), from + STATE_BATCH)));
    }
  }

  private static @Nullable Long micros(@Nullable Instant t) {
    return t == null ? null : Rows.epochMicros(t);
  }

  private int saveStatesPostgres(Connection c, List<StateUpdate> batch) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PG_SAVE_STATES_PLANNER)) {
      ps.executeQuery().close();
    }
    java.sql.Array[] arrays = new java.sql.Array[SAVE_STATES_ARRAYS];
    try (PreparedStatement ps = c.prepareStatement(PG_SAVE_STATES_SQL)) {
      bindSaveStates(c, ps, batch, arrays);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } finally {
      for (java.sql.Array a : arrays) {
        if (a != null) {
          a.free();
        }
      }
    }
  }

  /** The element types of the arrays bound to {@link #PG_SAVE_STATES_SQL}'s {@code x} part, in order. */
  private static final String[] SAVE_STATES_TYPES = {"text", "text", "text", "text", "text", "int4", "int8", "int8",
      "int4", "text", "int8", "text", "int8", "int4", "text", "int4", "int8", "text", "int4", "int4", "int8", "text",
      "int8", "int4", "text", "int4", "text", "int8", "int8", "int8"};

  /**
   * The columns of {@code x} that {@link #PG_SAVE_STATES_SQL}'s {@code y} part binds, in the order of its
   * parameters: tenant, feed id, digest, parser version, last attempt, last success, next due, generation,
   * expected last success, and the run's outcome, start, end and bytes.
   */
  private static final int[] TIMES_COLUMNS = {0, 1, 4, 5, 6, 7, 10, 16, 20, 26, 27, 28, 29};

  /** How many arrays {@link #bindSaveStates} binds. */
  static final int SAVE_STATES_ARRAYS = SAVE_STATES_TYPES.length + TIMES_COLUMNS.length;

  /**
   * Whether {@code u} changes only the state's times (last attempt, last success, next due), with no
   * failure and no quarantine before or after: a 304, or a body with the digest already stored, from
   * a feed in good health. Such an update is written by {@link #PG_SAVE_STATES_SQL}'s {@code y} part.
   */
  static boolean onlyTimesChange(StateUpdate u) {
    FeedState s = u.state();
    FeedState e = u.expected();
    return s.consecutiveFailures() == 0 && e.consecutiveFailures() == 0 && s.quarantine() == null
        && e.quarantine() == null && s.parserVersion() == e.parserVersion()
        && Objects.equals(s.contentDigest(), e.contentDigest()) && Objects.equals(s.etag(), e.etag())
        && Objects.equals(s.lastModified(), e.lastModified()) && Objects.equals(s.lastError(), e.lastError());
  }

  /**
   * Binds {@code batch} to {@link #PG_SAVE_STATES_SQL}, one array per column, kept in {@code arrays} to free:
   * the updates that change only times ({@link #onlyTimesChange}) to the thirteen arrays of its {@code y}
   * part ({@link #TIMES_COLUMNS} of their columns), the others to the thirty of its {@code x} part. Each
   * column's array is filled straight from the states (one pass per batch, no row of boxed values per state).
   */
  static void bindSaveStates(Connection c, PreparedStatement ps, List<StateUpdate> batch, java.sql.Array[] arrays)
      throws SQLException {
    List<StateUpdate> whole = new ArrayList<>();
    List<StateUpdate> times = new ArrayList<>(batch.size());
    for (StateUpdate u : batch) {
      (onlyTimesChange(u) ? times : whole).add(u);
    }
    Object[][] x = stateColumns(whole);
    Object[][] y = stateColumns(times);
    int k = 0;
    for (int col = 0; col < SAVE_STATES_TYPES.length; col++, k++) {
      arrays[k] = c.createArrayOf(SAVE_STATES_TYPES[col], x[col]);
      ps.setArray(k + 1, arrays[k]);
    }
    for (int col : TIMES_COLUMNS) {
      arrays[k] = c.createArrayOf(SAVE_STATES_TYPES[col], y[col]);
      ps.setArray(k + 1, arrays[k]);
      k++;
    }
  }

  /** The columns of {@link #PG_SAVE_STATES_SQL}'s {@code x} part, in the order of its parameters. */
  private static Object[][] stateColumns(List<StateUpdate> batch) {
    int n = batch.size();
    String[] tenant = new String[n];
    String[] feedId = new String[n];
    String[] etag = new String[n];
    String[] lastModified = new String[n];
    String[] digest = new String[n];
    Integer[] parserVersion = new Integer[n];
    Long[] lastAttempt = new Long[n];
    Long[] lastSuccess = new Long[n];
    Integer[] failures = new Integer[n];
    String[] lastError = new String[n];
    Long[] nextDue = new Long[n];
    String[] qReason = new String[n];
    Long[] qSince = new Long[n];
    Integer[] qPending = new Integer[n];
    String[] qDigest = new String[n];
    Integer[] qConfirmations = new Integer[n];
    Long[] generation = new Long[n];
    String[] eDigest = new String[n];
    Integer[] eParserVersion = new Integer[n];
    Integer[] eFailures = new Integer[n];
    Long[] eLastSuccess = new Long[n];
    String[] eqReason = new String[n];
    Long[] eqSince = new Long[n];
    Integer[] eqPending = new Integer[n];
    String[] eqDigest = new String[n];
    Integer[] eqConfirmations = new Integer[n];
    String[] outcome = new String[n];
    Long[] started = new Long[n];
    Long[] finished = new Long[n];
    Long[] bytes = new Long[n];
    for (int i = 0; i < n; i++) {
      StateUpdate u = batch.get(i);
      FeedState s = u.state();
      FeedState e = u.expected();
      tenant[i] = s.tenant();
      feedId[i] = s.feedId();
      etag[i] = s.etag();
      lastModified[i] = s.lastModified();
      digest[i] = s.contentDigest();
      parserVersion[i] = s.parserVersion();
      lastAttempt[i] = micros(s.lastAttempt());
      lastSuccess[i] = micros(s.lastSuccess());
      failures[i] = s.consecutiveFailures();
      lastError[i] = s.lastError();
      nextDue[i] = micros(s.nextDue());
      putQuarantine(s.quarantine(), i, qReason, qSince, qPending, qDigest, qConfirmations);
      generation[i] = e.generation();
      eDigest[i] = e.contentDigest();
      eParserVersion[i] = e.parserVersion();
      eFailures[i] = e.consecutiveFailures();
      eLastSuccess[i] = micros(e.lastSuccess());
      putQuarantine(e.quarantine(), i, eqReason, eqSince, eqPending, eqDigest, eqConfirmations);
      SyncRun run = u.run();
      if (run != null) {
        outcome[i] = run.outcome().name();
        started[i] = micros(run.startedAt());
        finished[i] = micros(run.finishedAt());
        bytes[i] = run.bytes();
      }
    }
    return new Object[][] {tenant, feedId, etag, lastModified, digest, parserVersion, lastAttempt, lastSuccess,
        failures, lastError, nextDue, qReason, qSince, qPending, qDigest, qConfirmations, generation, eDigest,
        eParserVersion, eFailures, eLastSuccess, eqReason, eqSince, eqPending, eqDigest, eqConfirmations, outcome,
        started, finished, bytes};
  }

  /** Element {@code i} of a quarantine's five columns; left null when there is none. */
  private static void putQuarantine(@Nullable Quarantine q, int i, String[] reason, Long[] since, Integer[] pending,
      String[] digest, Integer[] confirmations) {
    if (q != null) {
      reason[i] = q.reason();
      since[i] = micros(q.since());
      pending[i] = q.pendingCancellations();
      digest[i] = q.resultDigest();
      confirmations[i] = q.confirmations();
    }
  }

  private int saveStatesH2(Connection c, List<StateUpdate> batch) throws SQLException {
    Dialect d = dialect();
    List<StateUpdate> saved = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(H2_SAVE_STATE_SQL)) {
      for (StateUpdate u : batch) {
        FeedState s = u.state();
        int i = Rows.bindStateValues(ps, 1, s, d) - 1; // the generation is not written
        ps.setString(i++, s.tenant());
        ps.setString(i++, s.feedId());
        FeedState e = u.expected();
        ps.setLong(i++, e.generation());
        ps.setString(i++, e.contentDigest());
        ps.setInt(i++, e.parserVersion());
        ps.setInt(i++, e.consecutiveFailures());
        Rows.setInstant(ps, i++, e.lastSuccess(), d);
        ps.setString(i++, e.quarantine() == null ? null : e.quarantine().reason());
        Rows.setInstant(ps, i++, e.quarantine() == null ? null : e.quarantine().since(), d);
        Rows.setInteger(ps, i++, e.quarantine() == null ? null : e.quarantine().pendingCancellations());
        ps.setString(i++, e.quarantine() == null ? null : e.quarantine().resultDigest());
        Rows.setInteger(ps, i, e.quarantine() == null ? null : e.quarantine().confirmations());
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int k = 0; k < counts.length; k++) {
        if (counts[k] > 0) {
          saved.add(batch.get(k));
        }
      }
    }
    // the tallies: per tenant and outcome, the source looked up by the statement
    Map<List<String>, List<SyncRun>> groups = new LinkedHashMap<>();
    for (StateUpdate u : saved) {
      if (u.run() != null) {
        groups.computeIfAbsent(List.of(u.run().tenant(), u.run().outcome().name()), k -> new ArrayList<>()).add(u.run());
      }
    }
    for (Map.Entry<List<String>, List<SyncRun>> g : groups.entrySet()) {
      insertTallies(c, d, g.getKey().get(0), g.getValue());
    }
    return saved.size();
  }

  /** One tally row per source for runs of one tenant and outcome (H2; PostgreSQL does this in SQL). */
  private static void insertTallies(Connection c, Dialect d, String tenant, List<SyncRun> runs) throws SQLException {
    Map<String, List<SyncRun>> bySource = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id, source FROM icssync_feed WHERE tenant = ? AND id = ?")) {
      for (SyncRun r : runs) {
        ps.setString(1, tenant);
        ps.setString(2, r.feedId());
        String source = "";
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            source = rs.getString(2);
          }
        }
        bySource.computeIfAbsent(source, k -> new ArrayList<>()).add(r);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO icssync_sync_run (" + RUN_COLUMNS
        + ", source, syncs) VALUES (?, '', ?, 0, ?, ?, ?, NULL, 0, 0, 0, 0, 0, 0, 0, 0, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, List<SyncRun>> e : bySource.entrySet()) {
        List<SyncRun> rs = e.getValue();
        Instant started = rs.stream().map(SyncRun::startedAt).min(Comparator.naturalOrder()).orElseThrow();
        Instant finished = rs.stream().map(SyncRun::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
        long bytes = rs.stream().mapToLong(SyncRun::bytes).sum();
        long durationMs = (long) rs.stream()
            .mapToLong(r -> Math.max(0, Duration.between(r.startedAt(), r.finishedAt()).toMillis())).average().orElse(0);
        SyncOutcome outcome = rs.get(0).outcome();
        ps.setString(1, tenant);
        ps.setString(2, java.util.UUID.randomUUID().toString());
        Rows.setInstant(ps, 3, started, d);
        Rows.setInstant(ps, 4, finished, d);
        ps.setString(5, outcome.name());
        ps.setString(6, rs.size() + " syncs: " + outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        ps.setLong(7, bytes);
        ps.setLong(8, durationMs);
        ps.setString(9, e.getKey());
        ps.setInt(10, rs.size());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static int rekey(Connection c, List<FeedApply.Rekey> rekeys) throws SQLException {
    if (rekeys.isEmpty()) {
      return 0;
    }
    int rekeyed = 0;
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM icssync_event "
            + "WHERE tenant = ? AND feed_id = ? AND uid = ? AND recurrence_id = ?");
        PreparedStatement rename = c.prepareStatement("UPDATE icssync_event SET uid = ?, recurrence_id = ? "
            + "WHERE tenant = ? AND feed_id = ? AND uid = ? AND recurrence_id = ?");
        PreparedStatement exists = c.prepareStatement("SELECT 1 FROM icssync_event "
            + "WHERE tenant = ? AND feed_id = ? AND uid = ? AND recurrence_id = ?")) {
      for (FeedApply.Rekey r : rekeys) {
        bindKey(exists, 1, r.from());
        try (ResultSet rs = exists.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalArgumentException("rekey of unknown event " + r.from());
          }
        }
      }
      for (FeedApply.Rekey r : rekeys) {
        if (!r.from().equals(r.to())) {
          bindKey(delete, 1, r.to()); // the renamed event replaces any event already holding the new key
          delete.executeUpdate();
          rename.setString(1, r.to().uid());
          rename.setString(2, r.to().recurrenceId());
          bindKey(rename, 3, r.from());
          if (rename.executeUpdate() != 1) {
            throw new IllegalArgumentException("rekey of unknown event " + r.from());
          }
        }
        rekeyed++;
      }
    }
    return rekeyed;
  }

  private static void bindKey(PreparedStatement ps, int i, EventKey k) throws SQLException {
    ps.setString(i, k.tenant());
    ps.setString(i + 1, k.feedId());
    ps.setString(i + 2, k.uid());
    ps.setString(i + 3, k.recurrenceId());
  }

  /** Before a feed is saved active: the state of a stored inactive feed forgets validators and digest. */
  private static final String FORGET_VALIDATORS_OF_INACTIVE_SQL = "UPDATE icssync_feed_state SET etag = NULL, "
      + "last_modified = NULL, content_digest = NULL WHERE tenant = ? AND feed_id = ? AND EXISTS "
      + "(SELECT 1 FROM icssync_feed f WHERE f.tenant = ? AND f.id = ? AND NOT f.active)";

  private static final String SAVE_STATE_SQL = "UPDATE icssync_feed_state SET etag = ?, last_modified = ?, "
      + "content_digest = ?, parser_version = ?, last_attempt = ?, last_success = ?, consecutive_failures = ?, "
      + "last_error = ?, next_due = ?, quarantine_reason = ?, quarantine_since = ?, quarantine_pending = ?, "
      + "quarantine_digest = ?, quarantine_confirmations = ?, generation = ? "
      + "WHERE tenant = ? AND feed_id = ? AND generation = ?";

  /** The run's values, typed for an INSERT ... SELECT (parameters of a select list have no type of their own). */
  private static final String RUN_VALUES_TYPED = "?::text, ?::text, ?::text, ?::int8, ?::timestamptz, ?::timestamptz, "
      + "?::text, ?::text, ?::int4, ?::int4, ?::int4, ?::int4, ?::int4, ?::int4, ?::int4, ?::int4, ?::text, ?::int8, ?::int8";

  /**
   * Writes the state when the stored generation is the state's own, and then the run; false (and
   * nothing written) when no state row matched. Where the database has data-modifying WITH
   * (PostgreSQL) both go in one statement, a round trip fewer per sync.
   */
  private boolean saveStateAndRun(Connection c, FeedState s, @Nullable SyncRun run) throws SQLException {
    Dialect d = dialect();
    if (d.supportsWritableCte()) {
      try (PreparedStatement ps = c.prepareStatement(stateAndRunSql(run))) {
        int i = bindState(ps, 1, s);
        if (run != null) {
          bindRun(ps, i, run);
        }
        return ps.executeUpdate() == 1;
      }
    }
    try (PreparedStatement ps = c.prepareStatement(SAVE_STATE_SQL)) {
      bindState(ps, 1, s);
      if (ps.executeUpdate() != 1) {
        return false;
      }
    }
    if (run != null) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO icssync_sync_run (" + RUN_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        bindRun(ps, 1, run);
        ps.executeUpdate();
      }
    }
    return true;
  }

  /** Parameters of a run's values ({@link #bindRun}). */
  private static final int RUN_PARAMETERS = 19;

  /**
   * Where the database has data-modifying WITH: the fenced state update, with the run inserted by
   * the same statement when there is one (its update count is the saved states' then as well).
   */
  private static String stateAndRunSql(@Nullable SyncRun run) {
    return run == null ? SAVE_STATE_SQL : "WITH s AS (" + SAVE_STATE_SQL + " RETURNING 1) "
        + "INSERT INTO icssync_sync_run (" + RUN_COLUMNS + ") SELECT " + RUN_VALUES_TYPED + " FROM s";
  }

  /** Binds the state update's parameters from {@code i}; returns the next index. */
  private int bindState(PreparedStatement ps, int i, FeedState s) throws SQLException {
    i = Rows.bindStateValues(ps, i, s, dialect());
    ps.setString(i++, s.tenant());
    ps.setString(i++, s.feedId());
    ps.setLong(i++, s.generation());
    return i;
  }

  /** Binds a run's values in {@link #RUN_COLUMNS} order from {@code i}. */
  private void bindRun(PreparedStatement ps, int i, SyncRun r) throws SQLException {
    Dialect d = dialect();
    ps.setString(i, r.tenant());
    ps.setString(i + 1, r.feedId());
    ps.setString(i + 2, r.runId());
    ps.setLong(i + 3, r.generation());
    Rows.setInstant(ps, i + 4, r.startedAt(), d);
    Rows.setInstant(ps, i + 5, r.finishedAt(), d);
    ps.setString(i + 6, r.outcome().name());
    ps.setString(i + 7, r.failure() == null ? null : r.failure().name());
    ChangeCounts n = r.counts();
    ps.setInt(i + 8, n.seen());
    ps.setInt(i + 9, n.created());
    ps.setInt(i + 10, n.updated());
    ps.setInt(i + 11, n.cancelled());
    ps.setInt(i + 12, n.reinstated());
    ps.setInt(i + 13, n.unchanged());
    ps.setInt(i + 14, n.uidReissued());
    ps.setInt(i + 15, n.heldBack());
    ps.setString(i + 16, r.message());
    ps.setLong(i + 17, r.bytes());
    ps.setLong(i + 18, Math.max(0, java.time.Duration.between(r.startedAt(), r.finishedAt()).toMillis()));
  }

  // --------------------------------------------------------------------------------------- events

  @Override
  public List<CalendarEvent> eventsOfFeed(String tenant, String feedId) {
    List<CalendarEvent> out = transaction(primary, tenant, false, "read events of feed " + feedId, c -> {
      try (PreparedStatement ps = prepare(c, EVENTS_OF_FEED_SQL)) {
        ps.setString(1, tenant);
        ps.setString(2, feedId);
        return readEvents(ps);
      }
    });
    return sorted(out, Comparator.comparing(CalendarEvent::key));
  }

  @Override
  public List<CalendarEvent> events(EventQuery q) {
    return events(read, q);
  }

  /** {@link #events} from the primary: conflict detection and renders for the export cache. */
  @Override
  public List<CalendarEvent> eventsForWrite(EventQuery q) {
    return events(primary, q);
  }

  private List<CalendarEvent> events(DataSource ds, EventQuery q) {
    Objects.requireNonNull(q, "query");
    String sql = eventsSql(q);
    List<CalendarEvent> out = transaction(ds, q.tenant(), false, "query events", c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        bindEventsQuery(ps, q, dialect());
        return readEvents(ps);
      }
    });
    return sorted(out, BY_START);
  }

  /**
   * The SQL of {@link #events}. Active and cancelled events sit in two partial indexes on
   * PostgreSQL (each row in exactly one), so a query that includes cancelled events is the union of
   * both halves.
   */
  static String eventsSql(EventQuery q) {
    String where = " FROM icssync_event WHERE tenant = ? AND property = ?";
    // the window rule of EventQuery: all-day dates overlap [from, to); timed ranges overlap
    // [from - 1 day, to + 1 day) at UTC midnight. The wider bounds come first so an index serves them.
    if (q.to() != null) {
      where += " AND start_at < ? AND (all_day = FALSE OR start_at < ?)";
    }
    if (q.from() != null) {
      where += " AND end_at > ? AND (all_day = FALSE OR end_at > ?)";
    }
    String active = "SELECT " + Rows.EVENT_COLUMNS + where + " AND status <> 'CANCELLED'";
    String order = " ORDER BY start_at, feed_id, uid, recurrence_id";
    if (!q.includeCancelled()) {
      return active + order;
    }
    return "SELECT * FROM (" + active + " UNION ALL SELECT " + Rows.EVENT_COLUMNS + where
        + " AND status = 'CANCELLED') e" + order;
  }

  static void bindEventsQuery(PreparedStatement ps, EventQuery q, Dialect d) throws SQLException {
    int i = 1;
    for (int half = 0; half < (q.includeCancelled() ? 2 : 1); half++) {
      ps.setString(i++, q.tenant());
      ps.setString(i++, q.property());
      if (q.to() != null) {
        Rows.setInstant(ps, i++, Rows.midnight(q.to().plusDays(1)), d);
        Rows.setInstant(ps, i++, Rows.midnight(q.to()), d);
      }
      if (q.from() != null) {
        Rows.setInstant(ps, i++, Rows.midnight(q.from().minusDays(1)), d);
        Rows.setInstant(ps, i++, Rows.midnight(q.from()), d);
      }
    }
  }

  private static List<CalendarEvent> readEvents(PreparedStatement ps) throws SQLException {
    ps.setFetchSize(1000);
    List<CalendarEvent> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      CalendarEvent previous = null;
      while (rs.next()) {
        previous = Rows.event(rs, previous);
        out.add(previous);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------ conflicts

  @Override
  public void saveConflicts(String tenant, Collection<Conflict> conflicts) {
    Checks.nonBlank(tenant, "tenant");
    for (Conflict x : conflicts) {
      if (!x.tenant().equals(tenant) || !x.first().tenant().equals(tenant) || !x.second().tenant().equals(tenant)
          || (x.winner() != null && !x.winner().tenant().equals(tenant))) {
        throw new IllegalArgumentException("conflict " + x.id() + " belongs to another tenant");
      }
    }
    if (conflicts.isEmpty()) {
      return;
    }
    write(tenant, "save conflicts", c -> {
      Dialect d = dialect();
      try (PreparedStatement ps = c.prepareStatement(d.upsertSql("icssync_conflict",
          List.of(CONFLICT_COLUMNS.split(", ")), List.of("tenant", "id")))) {
        for (Conflict x : conflicts) {
          ps.setString(1, x.tenant());
          ps.setString(2, x.id());
          ps.setString(3, x.property());
          ps.setString(4, x.first().feedId());
          ps.setString(5, x.first().uid());
          ps.setString(6, x.first().recurrenceId());
          ps.setString(7, x.second().feedId());
          ps.setString(8, x.second().uid());
          ps.setString(9, x.second().recurrenceId());
          Rows.setInstant(ps, 10, x.overlap().start(), d);
          Rows.setInstant(ps, 11, x.overlap().end(), d);
          ps.setString(12, x.status().name());
          EventKey w = x.winner();
          ps.setString(13, w == null ? null : w.feedId());
          ps.setString(14, w == null ? null : w.uid());
          ps.setString(15, w == null ? null : w.recurrenceId());
          Rows.setInstant(ps, 16, x.openedAt(), d);
          Rows.setInstant(ps, 17, x.resolvedAt(), d);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<Conflict> conflicts(String tenant, @Nullable String property, @Nullable ConflictStatus status) {
    return conflicts(read, tenant, property, status);
  }

  /** {@link #conflicts} from the primary: conflict detection and changes of a conflict's status. */
  @Override
  public List<Conflict> conflictsForWrite(String tenant, @Nullable String property,
      @Nullable ConflictStatus status) {
    return conflicts(primary, tenant, property, status);
  }

  private List<Conflict> conflicts(DataSource ds, String tenant, @Nullable String property,
      @Nullable ConflictStatus status) {
    String sql = conflictsSql(property != null, status != null);
    List<Conflict> out = query(ds, tenant, false, "query conflicts", c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        int i = 1;
        ps.setString(i++, tenant);
        if (property != null) {
          ps.setString(i++, property);
        }
        if (status != null) {
          ps.setString(i, status.name());
        }
        List<Conflict> list = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String t = rs.getString(1);
            String winnerFeed = rs.getString(13);
            list.add(new Conflict(rs.getString(2), t, rs.getString(3),
                new EventKey(t, rs.getString(4), rs.getString(5), rs.getString(6)),
                new EventKey(t, rs.getString(7), rs.getString(8), rs.getString(9)),
                DateRange.timed(Rows.instant(rs, 10), Rows.instant(rs, 11)),
                ConflictStatus.valueOf(rs.getString(12)),
                winnerFeed == null ? null : new EventKey(t, winnerFeed, rs.getString(14), rs.getString(15)),
                Rows.instant(rs, 16), Rows.instantOrNull(rs, "resolved_at")));
          }
        }
        return list;
      }
    });
    return sorted(out, Comparator.comparing(Conflict::property).thenComparing(Conflict::openedAt)
        .thenComparing(Conflict::id));
  }

  static String conflictsSql(boolean byProperty, boolean byStatus) {
    return "SELECT " + CONFLICT_COLUMNS + " FROM icssync_conflict WHERE tenant = ?"
        + (byProperty ? " AND property = ?" : "") + (byStatus ? " AND status = ?" : "")
        + " ORDER BY property, opened_at, id";
  }

  // ----------------------------------------------------------------------------------------- runs

  @Override
  public List<SyncRun> runs(String tenant, String feedId, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    return query(read, tenant, false, "read runs of feed " + feedId, c -> {
      try (PreparedStatement ps = prepare(c, RUNS_SQL)) {
        ps.setString(1, tenant);
        ps.setString(2, feedId);
        ps.setInt(3, limit);
        List<SyncRun> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && out.size() < limit) {
            String failure = rs.getString(8);
            out.add(new SyncRun(rs.getString(3), rs.getString(1), rs.getString(2), rs.getLong(4),
                Rows.instant(rs, 5), Rows.instant(rs, 6), SyncOutcome.valueOf(rs.getString(7)),
                failure == null ? null : FailureReason.valueOf(failure),
                new ChangeCounts(rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getInt(12), rs.getInt(13),
                    rs.getInt(14), rs.getInt(15), rs.getInt(16)),
                rs.getString(17), rs.getLong(18)));
          }
        }
        return out;
      }
    });
  }

  // the prune of the change log (package-private: the tests read them)
  /** The newest run: a later prune looks at the feeds of the runs appended after it. */
  static final String PRUNE_NEWEST_SQL = "SELECT MAX(seq) FROM icssync_sync_run";
  /**
   * The last seq that finished before the cutoff: the walk ends there. Reads only the entries of the
   * finished_at index before the cutoff: what the prune deletes, and the runs kept by keepRuns,
   * which is why only a full walk asks it (see {@link #pruneRuns}). OFFSET 0 keeps the subquery
   * whole: flattened, PostgreSQL walks the primary key backwards through every younger run.
   */
  static final String PRUNE_BOUND_SQL = "SELECT MAX(seq) FROM (SELECT seq FROM icssync_sync_run "
      + "WHERE finished_at < ? OFFSET 0) b";
  /**
   * The same, among the runs that finished since the last prune's cutoff: the entries between the two
   * cutoffs (the runs that have come of age since).
   */
  static final String PRUNE_BOUND_SINCE_SQL = "SELECT MAX(seq) FROM (SELECT seq FROM icssync_sync_run "
      + "WHERE finished_at >= ? AND finished_at < ? OFFSET 0) b";
  /**
   * The same, among the runs appended since the last prune started (a primary-key range): one that
   * finished before the last cutoff but was appended after that prune (a worker's clock behind).
   */
  static final String PRUNE_BOUND_NEW_SQL = "SELECT MAX(seq) FROM (SELECT seq, finished_at FROM icssync_sync_run "
      + "WHERE seq > ? AND seq <= ? OFFSET 0) n WHERE n.finished_at < ?";
  /** The end of the next batch: the seq of at most batchSize rows after the last batch. */
  static final String PRUNE_NEXT_SQL = "SELECT MAX(seq) FROM (SELECT seq FROM icssync_sync_run "
      + "WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?) b";
  /** Deletes in (from, to] what finished before the cutoff and is older than its feed's keepRuns-th newest run. */
  static final String PRUNE_DELETE_SQL = "DELETE FROM icssync_sync_run r WHERE r.seq > ? AND r.seq <= ? "
      + "AND r.finished_at < ? AND r.seq < (SELECT k.seq FROM icssync_sync_run k "
      + "WHERE k.tenant = r.tenant AND k.feed_id = r.feed_id ORDER BY k.seq DESC LIMIT 1 OFFSET ?)";
  /**
   * PostgreSQL: deletes at most a batch of the runs up to the walked seq that the runs in (from, to]
   * pushed out of their feed's newest keepRuns, once finished before the cutoff. Driven by the new
   * runs' feeds (the laterals probe the (tenant, feed_id, seq) index per feed: the feed's keepRuns-th
   * newest run, then its older runs), never by the history they join; the array is built once, so
   * the DELETE probes the primary key.
   */
  static final String PG_PRUNE_DISPLACED_SQL = "DELETE FROM icssync_sync_run WHERE seq = ANY(ARRAY("
      + "SELECT o.seq FROM (SELECT DISTINCT tenant, feed_id FROM icssync_sync_run WHERE seq > ? AND seq <= ?) n "
      + "CROSS JOIN LATERAL (SELECT k.seq FROM icssync_sync_run k WHERE k.tenant = n.tenant AND k.feed_id = n.feed_id "
      + "ORDER BY k.seq DESC LIMIT 1 OFFSET ?) t "
      + "CROSS JOIN LATERAL (SELECT o.seq FROM icssync_sync_run o WHERE o.tenant = n.tenant AND o.feed_id = n.feed_id "
      + "AND o.seq < t.seq AND o.seq <= ? AND o.finished_at < ? LIMIT ?) o LIMIT ?))";
  /** H2: the same deletion, written without LATERAL; its parameters are the first six of PostgreSQL's, in order. */
  static final String H2_PRUNE_DISPLACED_SQL = "DELETE FROM icssync_sync_run WHERE seq IN (SELECT o.seq "
      + "FROM icssync_sync_run o WHERE EXISTS (SELECT 1 FROM icssync_sync_run n WHERE n.tenant = o.tenant "
      + "AND n.feed_id = o.feed_id AND n.seq > ? AND n.seq <= ?) AND o.seq < (SELECT k.seq FROM icssync_sync_run k "
      + "WHERE k.tenant = o.tenant AND k.feed_id = o.feed_id ORDER BY k.seq DESC LIMIT 1 OFFSET ?) "
      + "AND o.seq <= ? AND o.finished_at < ? LIMIT ?)";

  /** Every this many prunes of one store, a prune walks the whole history again (see {@link #pruneRuns}). */
  static final int PRUNE_FULL_WALK_EVERY = 32;

  /** What this store's prunes have done so far, under {@link #pruneLock}; see {@link #pruneRuns}. */
  private final Object pruneLock = new Object();
  private @Nullable HistoryRetention prunedWith;
  private @Nullable Instant prunedCutoff;
  /** Every run up to this seq was walked by a prune of this store (the walk's last bound). */
  private long prunedThrough = Long.MIN_VALUE;
  /** The newest run when the last prune of this store started. */
  private long prunedSeen = Long.MIN_VALUE;
  private int prunesSinceFullWalk;

  /**
   * Walks the runs in primary-key order up to the newest one that finished before the cutoff, a
   * batch of at most {@code batchSize} rows at a time, each batch one short transaction of its own
   * (a lookup by key range and one DELETE by key range): only the old rows being deleted are locked,
   * never the rows that applies append meanwhile, and no statement scans the whole table. Across
   * tenants (with row-level security the transaction reads all tenants).
   *
   * <p>A prune does not walk again what an earlier prune of this store walked. What that walk kept
   * and had finished before the cutoff was kept as one of its feed's newest {@code keepRuns} runs,
   * and only leaves them when its feed appends a run. So a later prune walks only the runs that
   * finished between the two cutoffs, and for the feeds that appended runs since the last prune
   * started, deletes the older runs those pushed out (an index probe per feed). Without this, every
   * prune read every run each feed keeps ({@code keepRuns} per feed: ten million rows for a million
   * feeds), however little had changed. A run a walk passed while it had not yet finished before the
   * cutoff (a worker's clock ahead of another's), or that committed behind the walk, waits for the
   * next full walk: the first prune of a store, one with another retention or an earlier cutoff, and
   * every {@value #PRUNE_FULL_WALK_EVERY}th.
   */
  @Override
  public long pruneRuns(HistoryRetention retention, Instant now) {
    Objects.requireNonNull(retention, "retention");
    Instant cutoff = retention.cutoff(now);
    synchronized (pruneLock) {
      Instant since = prunedCutoff;
      boolean full = since == null || !Objects.equals(retention, prunedWith) || cutoff.isBefore(since)
          || prunesSinceFullWalk >= PRUNE_FULL_WALK_EVERY - 1;
      long walked = full ? Long.MIN_VALUE : prunedThrough;
      long seen = full ? Long.MIN_VALUE : prunedSeen;
      long[] ends = query(primary, null, true, "find prunable sync runs", c -> {
        long newest = seqOf(c, PRUNE_NEWEST_SQL);
        if (newest == Long.MIN_VALUE) {
          return null;
        }
        long bound;
        if (full) {
          bound = seqOf(c, PRUNE_BOUND_SQL, cutoff);
        } else {
          bound = Math.max(seqOf(c, PRUNE_BOUND_SINCE_SQL, Objects.requireNonNull(since), cutoff),
              seqOf(c, PRUNE_BOUND_NEW_SQL, seen, newest, cutoff));
        }
        return new long[] {newest, Math.min(bound, newest)};
      });
      if (ends == null) {
        return 0; // no run at all
      }
      long deleted = 0;
      if (!full && ends[0] > seen && walked > Long.MIN_VALUE) {
        deleted += pruneDisplaced(retention, cutoff, walked, seen, ends[0]);
      }
      if (ends[1] > walked) {
        deleted += pruneWalk(retention, cutoff, walked, ends[1]);
      }
      prunedWith = retention;
      prunedCutoff = cutoff;
      prunedThrough = Math.max(walked, ends[1]);
      prunedSeen = ends[0];
      prunesSinceFullWalk = full ? 0 : prunesSinceFullWalk + 1;
      return deleted;
    }
  }

  /** Deletes what finished before the cutoff and is not among its feed's newest runs, in (from, bound]. */
  private long pruneWalk(HistoryRetention retention, Instant cutoff, long from, long bound) {
    return pruneInBatches(from, bound, retention.batchSize(), (c, start, to) -> {
      try (PreparedStatement ps = prepare(c, PRUNE_DELETE_SQL)) {
        ps.setLong(1, start);
        ps.setLong(2, to);
        Rows.setInstant(ps, 3, cutoff, dialect());
        ps.setInt(4, retention.keepRuns() - 1);
        return new long[] {to, ps.executeUpdate()};
      }
    });
  }

  /**
   * For the feeds of the runs in (seen, newest], a batch of runs at a time, deletes their runs up to
   * {@code walked} that finished before the cutoff and are no longer among the feed's newest: at
   * most a batch of rows per transaction.
   */
  private long pruneDisplaced(HistoryRetention retention, Instant cutoff, long walked, long seen, long newest) {
    boolean postgres = dialect().name().equals("postgresql");
    return pruneInBatches(seen, newest, retention.batchSize(), (c, start, to) -> {
      try (PreparedStatement ps = prepare(c, postgres ? PG_PRUNE_DISPLACED_SQL : H2_PRUNE_DISPLACED_SQL)) {
        ps.setLong(1, start);
        ps.setLong(2, to);
        ps.setInt(3, retention.keepRuns() - 1);
        ps.setLong(4, walked);
        Rows.setInstant(ps, 5, cutoff, dialect());
        ps.setInt(6, retention.batchSize());
        if (postgres) {
          ps.setInt(7, retention.batchSize()); // the outer LIMIT, over all the feeds
        }
        int n = ps.executeUpdate();
        // a full batch may have left more of these feeds' runs: the same new runs once more
        return new long[] {n < retention.batchSize() ? to : start, n};
      }
    });
  }

  /** One DELETE of a prune over the runs in (start, to]: where the next batch starts, and the rows deleted. */
  @FunctionalInterface
  private interface PruneBatch {
    long[] delete(Connection c, long start, long to) throws SQLException;
  }

  /**
   * Runs {@code batch} over (from, bound] a batch of at most {@code batchSize} runs at a time, each in a
   * short transaction of its own with the lookup of its end; returns the rows deleted.
   */
  private long pruneInBatches(long from, long bound, int batchSize, PruneBatch batch) {
    long deleted = 0;
    long next = from;
    while (true) {
      long start = next;
      long[] done = transaction(primary, null, true, "prune sync runs", c -> {
        long to = seqOf(c, PRUNE_NEXT_SQL, start, bound, (long) batchSize);
        return to == Long.MIN_VALUE ? null : batch.delete(c, start, to);
      });
      if (done == null) {
        return deleted;
      }
      next = done[0];
      deleted += done[1];
    }
  }

  /**
   * The one seq a prune statement reads ({@code MAX(seq)} of some runs) for {@code params} (longs and
   * instants, in order), or Long.MIN_VALUE when there is none.
   */
  private long seqOf(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql)) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] instanceof Instant t) {
          Rows.setInstant(ps, i + 1, t, dialect());
        } else {
          ps.setLong(i + 1, (Long) params[i]);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long seq = rs.getLong(1);
        return rs.wasNull() ? Long.MIN_VALUE : seq;
      }
    }
  }

  // ----------------------------------------------------------------------------------- properties

  @Override
  public void saveProperty(PropertySettings s) {
    Objects.requireNonNull(s, "settings");
    write(s.tenant(), "save property " + s.property(), c -> {
      try (PreparedStatement ps = c.prepareStatement(dialect().upsertSql("icssync_property",
          List.of(PROPERTY_COLUMNS.split(", ")), List.of("tenant", "property")))) {
        ps.setString(1, s.tenant());
        ps.setString(2, s.property());
        ps.setString(3, s.zone().getId());
        ps.setObject(4, s.checkIn());
        ps.setObject(5, s.checkOut());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<PropertySettings> property(String tenant, String property) {
    return Optional.ofNullable(query(primary, tenant, false, "read property " + property, c -> {
      try (PreparedStatement ps = prepare(c, "SELECT " + PROPERTY_COLUMNS
          + " FROM icssync_property WHERE tenant = ? AND property = ?")) {
        ps.setString(1, tenant);
        ps.setString(2, property);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new PropertySettings(rs.getString(1), rs.getString(2), ZoneId.of(rs.getString(3)),
              rs.getObject(4, LocalTime.class), rs.getObject(5, LocalTime.class)) : null;
        }
      }
    }));
  }

  // --------------------------------------------------------------------------------------- tokens

  @Override
  public void saveToken(ExportToken token) {
    Objects.requireNonNull(token, "token");
    write(token.tenant(), "save export token", c -> {
      Dialect d = dialect();
      try (PreparedStatement ps = c.prepareStatement(d.upsertSql("icssync_export_token",
          List.of(TOKEN_COLUMNS.split(", ")), List.of("hash")))) {
        ps.setString(1, token.hash());
        ps.setString(2, token.tenant());
        ps.setString(3, token.property());
        ps.setString(4, token.channel());
        Rows.setInstant(ps, 5, token.createdAt(), d);
        Rows.setInstant(ps, 6, token.expiresAt(), d);
        Rows.setInstant(ps, 7, token.revokedAt(), d);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<ExportToken> tokenByHash(String hash) {
    Objects.requireNonNull(hash, "hash");
    // the primary: a token revoked a moment ago must not open an export on a lagging replica
    List<ExportToken> found = query(primary, null, true, "look up export token",
        c -> queryTokens(c, TOKEN_BY_HASH_SQL, hash));
    return found.stream().findFirst();
  }

  @Override
  public List<ExportToken> tokens(String tenant, String property) {
    List<ExportToken> out = query(read, tenant, false, "list export tokens",
        c -> queryTokens(c, TOKENS_SQL, tenant, property));
    return sorted(out, Comparator.comparing(ExportToken::createdAt).reversed().thenComparing(ExportToken::hash));
  }

  private List<ExportToken> queryTokens(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      List<ExportToken> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ExportToken(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              Rows.instant(rs, 5), Rows.instantOrNull(rs, "expires_at"), Rows.instantOrNull(rs, "revoked_at")));
        }
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------- transactions

  /** Work inside a transaction. */
  @FunctionalInterface
  interface Work<T> {
    @Nullable T run(Connection c) throws SQLException;
  }

  private <T> T write(String tenant, String what, Work<T> work) {
    return transaction(primary, tenant, false, false, what, work);
  }

  private <T> T transaction(DataSource ds, @Nullable String tenant, boolean crossTenant, String what, Work<T> work) {
    return transaction(ds, tenant, crossTenant, false, what, work);
  }

  /** Work in a transaction, given the dialect (which says whether the work sends the transaction's settings). */
  @FunctionalInterface
  private interface OpeningWork<T> {
    @Nullable T run(Connection c, Dialect d) throws SQLException;
  }

  /**
   * A write transaction on the primary whose work sends the settings of {@link Dialect#begin} with
   * its first statement where the dialect {@link Dialect#pipelinesSettings pipelines them} (an apply,
   * a begin of a sync); elsewhere they are sent first, as for every transaction.
   */
  // NullAway: as for inTransaction, the type argument says whether the work may return null
  @SuppressWarnings("NullAway")
  private <T> T openedTransaction(String tenant, boolean apply, String what, OpeningWork<T> work) {
    try (Connection c = primary.getConnection()) {
      Dialect d = dialect(c);
      if (!d.pipelinesSettings()) {
        return inTransaction(c, d, tenant, false, apply, x -> work.run(x, d));
      }
      c.setAutoCommit(false);
      try {
        T result = work.run(c, d);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollback(c, e);
        throw e;
      } finally {
        restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private <T> T transaction(DataSource ds, @Nullable String tenant, boolean crossTenant, boolean apply, String what,
      Work<T> work) {
    try (Connection c = ds.getConnection()) {
      return inTransaction(c, dialect(c), tenant, crossTenant, apply, work);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * A read of one statement. On PostgreSQL without row-level security it runs in auto-commit (a
   * transaction of its own) with the statement timeout as its JDBC query timeout, which the driver
   * enforces by cancelling the statement: no settings statement and no COMMIT, two round trips fewer
   * than {@link #transaction}, which a sync pays several times. Otherwise, and when the pool hands out
   * connections with auto-commit off, a transaction like every write. Not for reads of events: in
   * auto-commit the driver reads a whole result before returning, a transaction lets it fetch a large
   * one in batches.
   */
  // NullAway: a Work returns null where its caller expects it (Optional.ofNullable, Void); the
  // type argument says which, which NullAway does not check outside its JSpecify mode.
  @SuppressWarnings("NullAway")
  private <T> T query(DataSource ds, @Nullable String tenant, boolean crossTenant, String what, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      Dialect d = dialect(c);
      if (settings.rowLevelSecurity() || !d.autoCommitReads() || !c.getAutoCommit()) {
        return inTransaction(c, d, tenant, crossTenant, false, work);
      }
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  // NullAway: a Work returns null where its caller expects it (Optional.ofNullable, Void); the
  // type argument says which, which NullAway does not check outside its JSpecify mode.
  @SuppressWarnings("NullAway")
  private <T> T inTransaction(Connection c, Dialect d, @Nullable String tenant, boolean crossTenant, boolean apply,
      Work<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      d.begin(c, settings, tenant, crossTenant, apply);
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollback(c, e);
      throw e;
    } finally {
      restoreAutoCommit(c);
    }
  }

  /** A statement of a read, bounded by the statement timeout also outside a transaction (whole seconds, up). */
  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setQueryTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE,
        (settings.statementTimeout().toMillis() + 999) / 1000)));
    return ps;
  }

  private static void rollback(Connection c, Throwable cause) {
    try {
      if (!c.isClosed()) {
        c.rollback();
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection c) {
    try {
      if (!c.isClosed()) {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      // the connection is broken; the pool discards it
    }
  }

  /** SQLStates of a missing table: PostgreSQL, then H2 (table not found; not found in an empty database). */
  private static final java.util.Set<String> UNDEFINED_TABLE = java.util.Set.of("42P01", "42S02", "42S04");

  /** The exception for a failed statement; a missing table says the schema was never migrated. */
  private static StorageException failure(String what, SQLException e) {
    String message = what + " failed (" + describe(e) + ")";
    if (e.getSQLState() != null && UNDEFINED_TABLE.contains(e.getSQLState())) {
      message += ": the ics-sync tables are missing; call JdbcStore.migrate(dataSource) once before the first use"
          + " (or let the ics-sync command migrate the database)";
    }
    return new StorageException(message, e);
  }

  /**
   * SQLState and the first line of the message: drivers append details such as "Failing row
   * contains (...)" on later lines, which may hold a feed URL (a secret). The cause keeps them.
   */
  private static String describe(SQLException e) {
    String state = e.getSQLState();
    String message = String.valueOf(e.getMessage());
    int nl = message.indexOf('\n');
    return (state == null ? "" : "SQLState " + state + ": ") + (nl < 0 ? message : message.substring(0, nl));
  }

  private Dialect dialect() {
    return Objects.requireNonNull(dialect, "dialect is detected by the first transaction");
  }

  private Dialect dialect(Connection c) throws SQLException {
    Dialect d = dialect;
    if (d == null) {
      d = fixedDialect != null ? fixedDialect : Dialect.detect(c, settings);
      if (settings.rowLevelSecurity() && !d.supportsRowLevelSecurity()) {
        throw new ConfigurationException("rowLevelSecurity is not supported on " + d.name());
      }
      dialect = d;
    }
    return d;
  }

  private static <T> List<T> sorted(List<T> list, Comparator<? super T> order) {
    List<T> copy = new ArrayList<>(list);
    copy.sort(order);
    return List.copyOf(copy);
  }

  @Override
  public String toString() {
    Dialect d = dialect;
    return "JdbcStore[" + (d == null ? "undetected" : d.name()) + (read != primary ? ", read replica" : "")
        + (settings.rowLevelSecurity() ? ", row-level security" : "") + "]";
  }

  /**
   * How an apply writes events on PostgreSQL ({@link Builder#postgresUpsert}). Every technique gives
   * exact counts (inserted plus updated rows; unchanged rows are not written).
   */
  public enum PostgresUpsert {
    /**
     * The default: {@link #UNNEST} for small applies; a binary COPY straight into the table for the
     * first load of a feed (from {@link Builder#postgresCopyThresholds initialLoad} rows); {@link #COPY}
     * from {@link Builder#postgresCopyThresholds resync} rows.
     */
    AUTO,
    /** One {@code INSERT ... SELECT FROM unnest(arrays) ON CONFLICT} statement per chunk of rows. */
    UNNEST,
    /** A binary COPY into a temporary table, then one {@code INSERT ... SELECT ... ON CONFLICT}. */
    COPY,
    /**
     * A JDBC batch of single-row upserts (exact counts need the driver's {@code reWriteBatchedInserts}
     * off: with it on, an apply fails rather than guess).
     */
    BATCH
  }

  /** Builds a {@link JdbcStore}; validated in {@link #build()}. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable DataSource readDataSource;
    private boolean rowLevelSecurity;
    private Duration statementTimeout = Duration.ofSeconds(30);
    private Duration lockTimeout = Duration.ofSeconds(10);
    private boolean synchronousApplyCommit = true;
    private PostgresUpsert postgresUpsert = PostgresUpsert.AUTO;
    private int initialCopyThreshold = PostgresDialect.INITIAL_COPY_THRESHOLD;
    private int copyThreshold = PostgresDialect.COPY_THRESHOLD;
    private @Nullable Dialect dialect;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A data source for reads that tolerate replication lag (a read replica); default: the primary. */
    public Builder readDataSource(DataSource value) {
      this.readDataSource = Objects.requireNonNull(value, "readDataSource");
      return this;
    }

    /**
     * PostgreSQL only: set {@code app.tenant_id} (transaction-local) in every transaction so the
     * policies of {@link JdbcStore#migrateWithRowLevelSecurity} apply. Default false.
     */
    public Builder rowLevelSecurity(boolean value) {
      this.rowLevelSecurity = value;
      return this;
    }

    /** Longest a single statement may run (per transaction {@code statement_timeout}); default 30 s. */
    public Builder statementTimeout(Duration value) {
      this.statementTimeout = Objects.requireNonNull(value, "statementTimeout");
      return this;
    }

    /** Longest a statement waits for a row lock ({@code lock_timeout}); default 10 s. */
    public Builder lockTimeout(Duration value) {
      this.lockTimeout = Objects.requireNonNull(value, "lockTimeout");
      return this;
    }

    /**
     * PostgreSQL: whether an apply's commit waits for its WAL to reach disk (default true). With
     * false ({@code synchronous_commit = off} for apply transactions only) a database crash may lose
     * the last few hundred milliseconds of applies, whole: events and the feed state (digest,
     * validators) go back together, so the next sync fetches and applies them again; nothing is ever
     * half-applied. {@link JdbcStore#beginSync} always commits synchronously, so fencing tokens are
     * never handed out twice. Trades that window for a commit that does not wait on the disk (about
     * 5 ms here), which dominates syncs of many small feeds.
     */
    public Builder synchronousApplyCommit(boolean value) {
      this.synchronousApplyCommit = value;
      return this;
    }

    /**
     * PostgreSQL: how an apply writes events; default {@link PostgresUpsert#AUTO}, whichever measured
     * fastest for the apply's size. The others pin one technique (benchmarks, comparisons).
     */
    public Builder postgresUpsert(PostgresUpsert value) {
      this.postgresUpsert = Objects.requireNonNull(value, "postgresUpsert");
      return this;
    }

    /**
     * PostgreSQL, {@link PostgresUpsert#AUTO}: from how many rows an apply copies its events instead of
     * sending them as arrays. {@code initialLoad} (default 100) applies to a feed with no stored events
     * (a binary COPY straight into the table), {@code resync} (default 5,000) to a feed with stored
     * events (a COPY into a temporary table, then one upsert). Both at least 1.
     */
    public Builder postgresCopyThresholds(int initialLoad, int resync) {
      this.initialCopyThreshold = initialLoad;
      this.copyThreshold = resync;
      return this;
    }

    /** For tests and benchmarks of this package: a fixed dialect instead of detection. */
    Builder dialect(Dialect value) {
      this.dialect = value;
      return this;
    }

    public JdbcStore build() {
      Checks.positive(statementTimeout, "statementTimeout");
      Checks.positive(lockTimeout, "lockTimeout");
      if (statementTimeout.toMillis() < 1) {
        throw new ConfigurationException("statementTimeout must be at least 1 ms, was " + statementTimeout);
      }
      if (lockTimeout.toMillis() < 1) {
        throw new ConfigurationException("lockTimeout must be at least 1 ms, was " + lockTimeout);
      }
      if (initialCopyThreshold < 1) {
        throw new ConfigurationException("postgresCopyThresholds: initialLoad must be at least 1, was "
            + initialCopyThreshold);
      }
      if (copyThreshold < 1) {
        throw new ConfigurationException("postgresCopyThresholds: resync must be at least 1, was " + copyThreshold);
      }
      DataSource r = readDataSource == null ? dataSource : readDataSource;
      return new JdbcStore(dataSource, r, new Settings(statementTimeout, lockTimeout, rowLevelSecurity,
          synchronousApplyCommit, postgresUpsert, initialCopyThreshold, copyThreshold), dialect);
    }
  }
}
