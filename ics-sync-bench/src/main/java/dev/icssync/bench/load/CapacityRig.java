package dev.icssync.bench.load;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

/**
 * The load test's rig for other bench packages: its loopback {@link FeedServer} and its throw-away
 * PostgreSQL {@link LoadDatabase}, without the load test's {@code IcsSync}, so that a caller (the
 * unit-cost measurement of {@code dev.icssync.bench.capacity}) can wire its own engine over the same
 * feeds and database, e.g. through a counting data source. Feeds are the load test's: Airbnb-style
 * one-night stays, {@link FeedServer} serves them with or without validators and moves one stay per
 * feed on {@link #bumpRevision()}.
 */
public final class CapacityRig implements AutoCloseable {
  private final FeedServer server;
  private final LoadDatabase database;

  /**
   * @param serverThreads handler threads of the feed server
   * @param poolSize connections of the database pool
   */
  public CapacityRig(int serverThreads, int poolSize) throws IOException {
    server = new FeedServer(serverThreads, LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2));
    database = new LoadDatabase(poolSize, true);
  }

  /** Most a timed cycle waits for the JIT compiler to go idle before it starts, as the load test's do. */
  public static final long JIT_IDLE_WAIT_MS = Harness.JIT_IDLE_WAIT_MS;

  /** Channels of the feeds of one property, in slot order (as the load test uses them). */
  public static List<String> channels() {
    return Harness.CHANNELS;
  }

  /** Name prefixes of the rig's own threads (feed server), whose CPU is not the engine's. */
  public static List<String> rigThreadPrefixes() {
    return List.of("load-feed-server", "HTTP-Dispatcher", "load-heap-sampler");
  }

  /** URL of a feed of {@code events} stays in slot {@code slot} of {@code slots}. */
  public String feedUrl(String feedId, int events, int slot, int slots) {
    return server.url(feedId, events, slot, slots);
  }

  /** With validators the server answers 304 to a matching If-None-Match; without, always 200. */
  public void validators(boolean on) {
    server.mode(on ? FeedServer.Mode.VALIDATORS : FeedServer.Mode.NO_VALIDATORS);
  }

  /** Moves the first stay of every feed (odd revisions) or back (even ones). */
  public int bumpRevision() {
    return server.bumpRevision();
  }

  public long responses200() {
    return server.ok.sum();
  }

  public long responses304() {
    return server.notModified.sum();
  }

  /** Body bytes the server sent in 200 responses. */
  public long bodyBytes() {
    return server.bytes.sum();
  }

  /** The pool over the throw-away database (migrated). */
  public HikariDataSource pool() {
    return database.pool;
  }

  /** A new connection outside the pool (for statistics queries). */
  public Connection connect() throws SQLException {
    return database.db.connect();
  }

  public String serverVersion() {
    return database.serverVersion() + (database.db.isEmbeddedServer() ? " (embedded)" : "");
  }

  /** Empties every ics-sync table. */
  public void truncate() {
    database.truncate();
  }

  /**
   * Counts the rows as the load test counts them ({@code LoadDatabase.rowCounts}): every pooled
   * connection hands its statistics in and stays open, so the next cycle runs on warm connections.
   * Returns the rows inserted + updated + deleted in the ics-sync tables so far.
   */
  public long[] flushAndCountRows() {
    LoadDatabase.RowCounts rows = database.rowCounts();
    return new long[] {rows.inserted(), rows.updated(), rows.deleted()};
  }

  /**
   * Closes the pool's connections, waits until their backends exited and the pool has opened new
   * ones: the next cycle starts on new connections (to measure what that costs a cycle).
   */
  public void reopenConnections() {
    database.rowCountsOnNewConnections();
  }

  /** CPU seconds of the server processes of the database's current connections (NaN if unreadable). */
  public double backendCpuSeconds() {
    return database.backendCpuSeconds();
  }

  /**
   * On-CPU nanoseconds of the server processes of the database's current connections, read as the load
   * test reads them ({@code /proc/<pid>/schedstat}), or -1 when unreadable.
   */
  public long backendCpuNanos() {
    return database.backendCpuNanos();
  }

  /** Runs {@code work} for every item on {@code threads} threads; results in item order. */
  public static <T, R> List<R> parallel(List<T> items, int threads, Function<T, R> work) {
    return Harness.parallel(items, threads, work);
  }

  @Override
  public void close() {
    server.close();
    database.close();
  }
}
