package dev.icssync.cli;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** {@link CliTasksTest} on a fresh PostgreSQL database per test. */
@Tag("postgres")
class CliTasksPostgresTest extends CliTasksTest {
  TestDatabase pg;

  @BeforeEach
  void postgres() {
    pg = TestDatabases.postgres("tasks");
    db = pg.jdbcUrl() + "&user=" + pg.user() + (pg.password().isEmpty() ? "" : "&password=" + pg.password());
  }

  @AfterEach
  @Override
  void drop() {
    pg.close();
  }
}
