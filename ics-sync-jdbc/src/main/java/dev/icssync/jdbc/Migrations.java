package dev.icssync.jdbc;

import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.IcsSyncException.StorageException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/** Applies the schema with Flyway, under its own history table. */
final class Migrations {
  static final String HISTORY_TABLE = "icssync_schema_history";

  private Migrations() {}

  static void migrate(DataSource dataSource, boolean rowLevelSecurity) {
    Dialect dialect;
    try (Connection c = dataSource.getConnection()) {
      dialect = Dialect.detect(c);
    } catch (SQLException e) {
      throw new StorageException("migration failed: cannot connect (" + e.getMessage() + ")", e);
    }
    if (rowLevelSecurity && !dialect.supportsRowLevelSecurity()) {
      throw new ConfigurationException("rowLevelSecurity is not supported on " + dialect.name());
    }
    List<String> locations = new ArrayList<>(List.of("classpath:db/icssync/" + dialect.name()));
    if (rowLevelSecurity) {
      locations.add("classpath:db/icssync/" + dialect.name() + "-rls");
    }
    try {
      Flyway.configure(Migrations.class.getClassLoader())
          .dataSource(dataSource)
          .locations(locations.toArray(String[]::new))
          .table(HISTORY_TABLE)
          // the host's schema may already hold its own tables: start our history at 0, run V1
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StorageException("migration failed: " + e.getMessage(), e);
    }
  }
}
