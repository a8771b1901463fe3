package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.PropertySettings;
import dev.icssync.spi.EventQuery;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ics-sync conflicts}: list double bookings; {@code conflicts ignore|unignore ID}. */
@Command(mixinStandardHelpOptions = true, name = "conflicts", description = {
    "List double bookings (open, resolved and ignored): each stay's channel and local dates.",
    "'conflicts ignore ID' marks one as known and fine; 'conflicts unignore ID' opens it again."},
    subcommands = {ConflictsCommand.Ignore.class, ConflictsCommand.Unignore.class})
final class ConflictsCommand implements Callable<Integer> {
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  @Spec @Nullable CommandSpec spec;
  @Mixin DbOptions db = new DbOptions();
  @Option(names = "--tenant", paramLabel = "T", description = "one tenant (default: every tenant with feeds)")
  @Nullable String tenant;
  @Option(names = "--json", description = "print a JSON array") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = Objects.requireNonNull(spec).commandLine().getOut();
    try (Database d = db.open()) {
      List<Conflict> all = new ArrayList<>();
      for (String t : tenants(d, tenant)) {
        all.addAll(d.store().conflicts(t, null, null));
      }
      if (json) {
        ArrayNode a = Json.array();
        all.forEach(c -> a.add(Json.conflict(c)));
        Json.print(out, a);
      } else if (all.isEmpty()) {
        out.println("no double bookings");
      } else {
        Stays stays = new Stays(d);
        out.printf("%-32s %-8s %-12s %-12s %-38s %s%n", "ID", "STATUS", "TENANT", "PROPERTY", "FIRST STAY (LOCAL)",
            "SECOND STAY (LOCAL)");
        for (Conflict c : all) {
          out.printf("%-32s %-8s %-12s %-12s %-38s %s%n", c.id(), Json.lower(c.status()), TerminalText.line(c.tenant()),
              TerminalText.line(c.property()), stays.describe(c, c.first()), stays.describe(c, c.second()));
        }
      }
    }
    return IcsSyncCli.OK;
  }

  static List<String> tenants(Database d, @Nullable String tenant) {
    return tenant != null ? List.of(tenant) : d.store().allFeeds().stream().map(Feed::tenant).distinct().toList();
  }

  /** A stay as an operator reads it: its channel and its dates in the property's zone. */
  private static final class Stays {
    private final Database d;
    private final Map<String, Map<EventKey, CalendarEvent>> byProperty = new HashMap<>();
    private final Map<String, ZoneId> zones = new HashMap<>();

    Stays(Database d) {
      this.d = d;
    }

    String describe(Conflict c, EventKey key) {
      String p = c.tenant() + '\u0000' + c.property();
      CalendarEvent e = byProperty.computeIfAbsent(p, x -> {
        Map<EventKey, CalendarEvent> m = new HashMap<>();
        d.store().events(new EventQuery(c.tenant(), c.property(), null, null, true)).forEach(ev -> m.put(ev.key(), ev));
        return m;
      }).get(key);
      if (e == null) {
        return TerminalText.line(key.feedId() + " " + key.uid());
      }
      ZoneId zone = zones.computeIfAbsent(p, x -> d.store().property(c.tenant(), c.property())
          .map(PropertySettings::zone).orElse(PropertySettings.defaults(c.tenant(), c.property()).zone()));
      return TerminalText.line(e.source()) + " " + localDates(e.range(), zone);
    }
  }

  /** {@code 2026-08-24..2026-08-27} for a stay (check-in to check-out day), local times for a timed event. */
  static String localDates(DateRange range, ZoneId zone) {
    if (range instanceof DateRange.AllDay a) {
      return a.start() + ".." + a.end();
    }
    DateRange.Timed t = (DateRange.Timed) range;
    return LocalDateTime.ofInstant(t.start(), zone).format(LOCAL) + ".." + LocalDateTime.ofInstant(t.end(), zone)
        .format(LOCAL);
  }

  /** The conflict of {@code id} (or of a unique prefix of it), in {@code tenant} or any tenant with feeds. */
  static Conflict find(Database d, @Nullable String tenant, String id) {
    List<Conflict> matches = new ArrayList<>();
    for (String t : tenants(d, tenant)) {
      d.store().conflicts(t, null, null).stream().filter(c -> c.id().startsWith(id)).forEach(matches::add);
    }
    if (matches.isEmpty()) {
      throw new CliException(IcsSyncCli.FAILED, "no double booking " + TerminalText.line(id)
          + (tenant == null ? "" : " in tenant " + TerminalText.line(tenant)) + " (see 'ics-sync conflicts')");
    }
    if (matches.size() > 1) {
      throw new CliException(IcsSyncCli.USAGE, "ID " + TerminalText.line(id) + " matches " + matches.size()
          + " double bookings: give more of it" + (tenant == null ? ", or --tenant" : ""));
    }
    return matches.get(0);
  }

  /** Shared by ignore and unignore. */
  abstract static class Change implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", paramLabel = "T", description = "the tenant (default: found by the id)")
    @Nullable String tenant;
    @Parameters(paramLabel = "ID", description = "the conflict's id from 'ics-sync conflicts' (a unique prefix will do)")
    String id = "";

    abstract Optional<Conflict> apply(IcsSync sync, Conflict c);

    abstract String done();

    @Override
    public Integer call() {
      if (id.isBlank()) {
        throw new CliException(IcsSyncCli.USAGE, "ID takes a conflict id from 'ics-sync conflicts'");
      }
      try (Database d = db.open()) {
        Conflict c = find(d, tenant, id.trim());
        Conflict after = apply(d.sync(List.of()), c).orElseThrow(() ->
            new CliException(IcsSyncCli.FAILED, "no double booking " + c.id()));
        Objects.requireNonNull(spec).commandLine().getOut().println(c.id() + " " + done() + " (now "
            + Json.lower(after.status()) + ")");
      }
      return IcsSyncCli.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "ignore", description = {
      "Mark a double booking as known and fine: it stays ignored while the overlap lasts",
      "(no alert, not counted open) and is resolved when the overlap goes away."})
  static final class Ignore extends Change {
    @Override
    Optional<Conflict> apply(IcsSync sync, Conflict c) {
      return sync.ignoreConflict(c.tenant(), c.id());
    }

    @Override
    String done() {
      return "ignored";
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "unignore", description = "Open an ignored double booking again.")
  static final class Unignore extends Change {
    @Override
    Optional<Conflict> apply(IcsSync sync, Conflict c) {
      return sync.unignoreConflict(c.tenant(), c.id());
    }

    @Override
    String done() {
      return "unignored";
    }
  }
}
