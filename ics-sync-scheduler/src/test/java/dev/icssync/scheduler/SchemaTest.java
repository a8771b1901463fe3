package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The shipped SQL files are exactly what the scheduler creates itself. */
class SchemaTest {

  @Test
  void shippedH2ScriptMatchesTheGeneratedDdl() throws Exception {
    assertThat(statements("h2")).isEqualTo(Schema.ddl(Schema.Dialect.H2, FeedSyncScheduler.DEFAULT_TABLE));
    try (TestDatabase db = TestDatabases.h2Memory()) {
      db.execute(statements("h2").toArray(String[]::new));
      assertThat(Schema.exists(db.dataSource(), FeedSyncScheduler.DEFAULT_TABLE)).isTrue();
    }
  }

  @Test
  @Tag("postgres")
  void shippedPostgresScriptMatchesTheGeneratedDdlAndCreatingTwiceIsHarmless() throws Exception {
    assertThat(statements("postgresql"))
        .isEqualTo(Schema.ddl(Schema.Dialect.POSTGRESQL, FeedSyncScheduler.DEFAULT_TABLE));
    try (TestDatabase db = TestDatabases.postgres("sched_schema")) {
      db.execute(statements("postgresql").toArray(String[]::new));
      Schema.create(db.dataSource(), Schema.Dialect.POSTGRESQL, FeedSyncScheduler.DEFAULT_TABLE);
      assertThat(Schema.dialect(db.dataSource())).isEqualTo(Schema.Dialect.POSTGRESQL);
      assertThat(Schema.exists(db.dataSource(), "icssync_scheduled_tasks_host_slots")).isTrue();
    }
  }

  private static List<String> statements(String dialect) throws Exception {
    String path = "/dev/icssync/scheduler/migration/" + dialect + "/V1__icssync_scheduled_tasks.sql";
    try (InputStream in = SchemaTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      StringBuilder sql = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("--")) {
          sql.append(line.strip()).append(line.strip().endsWith("(") ? "" : " ");
        }
      }
      List<String> out = new ArrayList<>();
      for (String s : sql.toString().split(";")) {
        if (!s.isBlank()) {
          out.add(s.strip().replace(", ", ", ").replaceAll("\\s+\\)", ")"));
        }
      }
      return out;
    }
  }
}
