package dev.icssync.cli;

import dev.icssync.http.ExportEndpoint;
import dev.icssync.scheduler.FeedSyncScheduler;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Readiness of {@code run}: the database answered a probe within the last {@link #FRESH_NANOS} and
 * the scheduler runs. The probe runs in the background every second (a cut database makes a
 * connection attempt hang for the pool's timeout; a request never waits for it).
 */
final class Health {
  static final long FRESH_NANOS = 5_000_000_000L;

  private final DataSource dataSource;
  private volatile @Nullable FeedSyncScheduler worker;
  private volatile long lastUp;
  private volatile boolean everUp;
  private volatile String lastError = "not probed yet";

  Health(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  void scheduler(FeedSyncScheduler value) {
    this.worker = value;
  }

  /** One probe: borrow a connection and check it. */
  void probe() {
    try (Connection c = dataSource.getConnection()) {
      if (c.isValid(2)) {
        lastUp = System.nanoTime();
        everUp = true;
        return;
      }
      lastError = "connection not valid";
    } catch (SQLException | RuntimeException e) {
      lastError = IcsSyncCli.oneLine(e);
    }
  }

  boolean databaseUp() {
    return everUp && System.nanoTime() - lastUp < FRESH_NANOS;
  }

  boolean schedulerRunning() {
    FeedSyncScheduler w = worker;
    return w != null && w.running();
  }

  /** 200 when ready, else 503; a small JSON body says which part is not. */
  ExportEndpoint.Response response(boolean stopping) {
    boolean db = databaseUp();
    boolean scheduler = schedulerRunning() && !stopping;
    boolean ready = db && scheduler;
    String body = "{\"status\":\"" + (ready ? "ready" : "not ready") + "\",\"database\":\"" + (db ? "up" : "down")
        + "\",\"scheduler\":\"" + (scheduler ? "running" : stopping ? "stopping" : "not running") + "\"}\n";
    return RunCommand.text(ready ? 200 : 503, body, "application/json");
  }
}
