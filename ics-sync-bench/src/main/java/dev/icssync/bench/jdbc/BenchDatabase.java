package dev.icssync.bench.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The database a benchmark runs on, named by a JMH parameter: {@code postgres-auto} (the
 * default: unnest arrays below 2,000 rows, binary COPY above), {@code postgres-unnest},
 * {@code postgres-copy}, {@code postgres-batch} (each technique alone), {@code postgres-auto-partitioned}
 * (events hash-partitioned by tenant), {@code h2-memory},
 * {@code h2-file}. PostgreSQL is the local server (or the embedded one, see TestDatabases).
 */
final class BenchDatabase implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final LocalDate D0 = LocalDate.of(2026, 6, 1);

  final TestDatabase db;
  final JdbcStore store;
  private final Path dir;

  BenchDatabase(String target, boolean synchronousApplyCommit) {
    this(target, synchronousApplyCommit, 0);
  }

  /** {@code connections}: the store's own pool of that many connections, or 0 for the database's shared one. */
  BenchDatabase(String target, boolean synchronousApplyCommit, int connections) {
    String technique = "auto";
    boolean partitioned = false;
    Path tmp = null;
    switch (target) {
      case "postgres-auto", "postgres-unnest", "postgres-copy", "postgres-batch" -> {
        technique = target.substring("postgres-".length());
        db = TestDatabases.postgres("bench");
      }
      case "postgres-auto-partitioned" -> {
        partitioned = true;
        db = TestDatabases.postgres("bench");
      }
      case "h2-memory" -> db = TestDatabases.h2Memory();
      case "h2-file" -> {
        try {
          tmp = Files.createTempDirectory("icssync-bench");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        db = TestDatabases.h2File(tmp);
      }
      default -> throw new IllegalArgumentException("unknown target " + target);
    }
    dir = tmp;
    JdbcStore.migrate(db.dataSource());
    if (partitioned) {
      db.execute(resource("db/icssync/optional/postgresql_partition_events_by_tenant.sql"));
    }
    store = JdbcStore.builder(connections > 0 ? db.pool(connections) : db.dataSource())
        .synchronousApplyCommit(synchronousApplyCommit).postgresUpsert(JdbcStore.PostgresUpsert.valueOf(technique.toUpperCase(java.util.Locale.ROOT))).build();
    store.feeds("warm-up"); // detect the dialect now
  }

  void truncateEvents() {
    db.execute(db.kind() == TestDatabase.Kind.POSTGRES
        ? "TRUNCATE icssync_event, icssync_feed_state, icssync_sync_run"
        : "DELETE FROM icssync_event", "DELETE FROM icssync_feed_state");
  }

  /** {@code perFeed} two-night stays for each of {@code feeds} feeds (tenant t, property per feed). */
  static List<List<CalendarEvent>> events(int feeds, int perFeed) {
    List<List<CalendarEvent>> out = new ArrayList<>();
    for (int f = 0; f < feeds; f++) {
      List<CalendarEvent> list = new ArrayList<>(perFeed);
      for (int i = 0; i < perFeed; i++) {
        LocalDate in = D0.plusDays(2L * i);
        list.add(CalendarEvent.builder()
            .key(new EventKey("t", "f" + f, i + "-" + f + "@airbnb.com", ""))
            .property("p" + f)
            .source("airbnb")
            .range(DateRange.allDay(in, in.plusDays(2)))
            .kind(EventKind.RESERVATION)
            .summary("Reserved")
            .fingerprint((long) i * 31 + f)
            .firstSeen(T0)
            .lastSeen(T0)
            .lastChanged(T0)
            .build());
      }
      out.add(list);
    }
    return out;
  }

  /** The same event moved by {@code days}, fingerprint and sequence changed. */
  static CalendarEvent moved(CalendarEvent e, int days) {
    DateRange.AllDay r = (DateRange.AllDay) e.range();
    return e.toBuilder()
        .range(DateRange.allDay(r.start().plusDays(days), r.end().plusDays(days)))
        .fingerprint(e.fingerprint() + days)
        .lastChanged(e.lastSeen())
        .sequence(e.sequence() + 1)
        .build();
  }

  private static String resource(String name) {
    try (InputStream in = BenchDatabase.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    db.close();
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // temporary directory: leave it
      }
    }
  }
}
