package dev.icssync.cli;

import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportTokens;
import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.NextDue;
import dev.icssync.PropertySettings;
import dev.icssync.SyncReport;
import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.ExportHttpServer;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.spi.EventQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync demo}: the whole pipeline on loopback, no setup. */
@Command(mixinStandardHelpOptions = true, name = "demo", description = {
    "Run the whole pipeline on loopback, with no setup.",
    "A loopback server plays Airbnb, Booking.com and Vrbo for two properties; two sync rounds go into an",
    "embedded H2 database; the report shows events, changes, double bookings and a held-back glitch;",
    "per-channel exports are written to --out."})
final class DemoCommand implements Callable<Integer> {
  static final String TENANT = "demo";
  static final List<String> PROPERTIES = List.of("villa-azul", "casa-sol");
  static final List<String> CHANNELS = List.of("airbnb", "booking", "vrbo");

  @Spec @Nullable CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", description = "where the exports and the H2 database go (default ./ics-sync-demo-out)")
  Path out = Path.of("ics-sync-demo-out");

  @Option(names = "--serve", description = "then keep serving the exports over HTTP until Ctrl-C")
  boolean serve;

  @Option(names = "--port", paramLabel = "N", description = "port for --serve (default 8080; 0 picks a free one)")
  int port = 8080;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = Objects.requireNonNull(spec).commandLine().getOut();
    InetSocketAddress address = ServeCommand.address("127.0.0.1", port);
    Path dir = out.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    for (String leftover : List.of("demo.mv.db", "demo.trace.db")) {
      Files.deleteIfExists(dir.resolve(leftover));
    }
    // AUTO_SERVER: while 'demo --serve' holds the file, the commands it prints reach it through H2's
    // own loopback server instead of failing with "the file is locked"
    String dbUrl = "jdbc:h2:file:" + dir.resolve("demo") + ";AUTO_SERVER=TRUE";
    LocalDate today = LocalDate.now(ZoneOffset.UTC);

    try (DemoFeeds channels = new DemoFeeds(today); Database db = Database.open(dbUrl)) {
      JdbcStore store = db.store();
      store.saveProperty(new PropertySettings(TENANT, "villa-azul", ZoneId.of("Europe/Lisbon"), LocalTime.of(16, 0),
          LocalTime.of(10, 0)));
      store.saveProperty(new PropertySettings(TENANT, "casa-sol", ZoneId.of("Europe/Madrid"), LocalTime.of(15, 0),
          LocalTime.of(11, 0)));
      for (String name : DemoFeeds.FEEDS) {
        String[] parts = name.split("/");
        store.saveFeed(Feed.builder(TENANT, parts[0] + "-" + parts[1]).property(parts[0]).source(parts[1]).url(channels.url(name)).build());
      }
      IcsSync sync = db.sync(List.of("127.0.0.1"));

      o.println("ics-sync demo: " + DemoFeeds.FEEDS.size() + " feeds of " + PROPERTIES.size()
          + " properties, served on loopback; store: embedded H2");
      o.println();
      o.println("Round 1: first sync");
      List<SyncReport> first = sync.syncTenant(TENANT, NextDue.IGNORE);
      SyncCommand.print(o, first);
      o.println();
      o.println("Round 2: a guest shortens a stay, a Booking.com stay is cancelled, Vrbo has no change,");
      o.println("         and casa-sol's Airbnb feed comes back empty for one poll");
      channels.nextRound();
      List<SyncReport> second = sync.syncTenant(TENANT, NextDue.IGNORE);
      SyncCommand.print(o, second);
      o.println();

      report(o, store);
      o.println();
      List<Path> files = export(o, sync, dir);
      o.println();
      o.println("Explore the result with the other commands, for example:");
      String cli = launcher();
      o.println("  " + cli + " events --db '" + dbUrl + "' --tenant demo --property villa-azul --include-cancelled");
      o.println("  " + cli + " conflicts --db '" + dbUrl + "'");
      o.println("  " + cli + " feeds list --db '" + dbUrl + "'");
      if (serve) {
        serve(o, sync, address);
      }
      return files.isEmpty() ? IcsSyncCli.FAILED : IcsSyncCli.OK;
    }
  }

  /**
   * How to run this command again: {@code java -jar} and the jar this class was loaded from (relative
   * to the working directory when under it), else the jar the build makes.
   */
  static String launcher() {
    try {
      Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (jar.getFileName() != null && jar.getFileName().toString().endsWith(".jar")) {
        Path cwd = Path.of("").toAbsolutePath();
        String shown = (jar.startsWith(cwd) ? cwd.relativize(jar) : jar).toString();
        return "java -jar " + (shown.matches("[A-Za-z0-9_./:-]+") ? shown : "'" + shown + "'");
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // not loaded from a file: print the build's jar
    }
    return "java -jar ics-sync-cli/target/ics-sync.jar";
  }

  private static void report(PrintWriter o, JdbcStore store) {
    o.println("Feeds");
    for (Feed f : store.feeds(TENANT)) {
      FeedState s = store.state(TENANT, f.id());
      o.printf("  %-20s %-8s %s%n", f.id(), s.isQuarantined() ? "held" : "ok",
          s.quarantine() == null ? "" : "quarantined: " + s.quarantine().reason()
              + " (" + s.quarantine().pendingCancellations() + " cancellations held back)");
    }
    o.println("Events by kind");
    for (String p : PROPERTIES) {
      List<CalendarEvent> all = store.events(new EventQuery(TENANT, p, null, null, true));
      Map<EventKind, Integer> kinds = new EnumMap<>(EventKind.class);
      int cancelled = 0;
      for (CalendarEvent e : all) {
        if (e.status() == EventStatus.CANCELLED) {
          cancelled++;
        } else {
          kinds.merge(e.kind(), 1, Integer::sum);
        }
      }
      StringBuilder sb = new StringBuilder();
      kinds.forEach((k, n) -> sb.append(n).append(' ').append(Json.lower(k)).append(n == 1 ? "" : "s").append(", "));
      o.printf("  %-11s %s%d cancelled%n", p, sb, cancelled);
    }
    o.println("Double bookings");
    List<Conflict> conflicts = store.conflicts(TENANT, null, null);
    if (conflicts.isEmpty()) {
      o.println("  none");
    }
    Map<dev.icssync.EventKey, CalendarEvent> byKey = new TreeMap<>();
    for (String p : PROPERTIES) {
      store.events(new EventQuery(TENANT, p, null, null, true)).forEach(e -> byKey.put(e.key(), e));
    }
    for (Conflict c : conflicts) {
      o.printf("  %-8s %-11s %s x %s, overlap %s .. %s%n", Json.lower(c.status()), c.property(),
          describe(byKey.get(c.first()), c.first()), describe(byKey.get(c.second()), c.second()),
          c.overlap().start(), c.overlap().end());
    }
  }

  private static String describe(@Nullable CalendarEvent e, dev.icssync.EventKey key) {
    if (e == null) {
      return key.feedId();
    }
    String range = EventsCommand.bound(e.range(), true) + "/" + EventsCommand.bound(e.range(), false);
    return TerminalText.line(e.source()) + " " + range;
  }

  private static List<Path> export(PrintWriter o, IcsSync sync, Path dir) throws IOException {
    o.println("Exports (no guest names or phone digits; each channel's file leaves out its own events)");
    List<Path> files = new ArrayList<>();
    for (String p : PROPERTIES) {
      List<@Nullable String> views = new ArrayList<>();
      views.add(null);
      views.addAll(CHANNELS);
      for (@Nullable String channel : views) {
        ExportedCalendar cal = sync.export(ExportView.forProperty(TENANT, p).forChannel(channel));
        Path file = dir.resolve(channel == null ? p + ".ics" : p + "-for-" + channel + ".ics");
        Files.write(file, cal.body());
        files.add(file);
        o.printf("  %-48s %2d events%n", file, cal.eventCount());
      }
    }
    return files;
  }

  private void serve(PrintWriter o, IcsSync sync, InetSocketAddress address) {
    try (ExportHttpServer server = ServeCommand.listen(ExportEndpoint.builder(sync).build(), address)) {
      o.println();
      o.println("Serving the exports (Ctrl-C stops):");
      for (String p : PROPERTIES) {
        for (String channel : CHANNELS) {
          ExportTokens.Issued t = sync.exportTokens().create(TENANT, p, channel);
          o.println("  " + p + " for " + channel + ": " + server.baseUri() + t.token() + ".ics");
        }
      }
      o.flush();
      ServeCommand.awaitStop();
    }
  }
}
