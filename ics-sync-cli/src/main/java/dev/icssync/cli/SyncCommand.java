package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.DateRange;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.NextDue;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync sync}: one sync round. */
@Command(mixinStandardHelpOptions = true, name = "sync", description = {"Sync active feeds once: all, one tenant's, or one feed.",
    "With --confirm-cancellations --feed ID, confirm the cancellations held back for that one feed and list them.",
    "Exit status 1 when a feed's sync failed."})
final class SyncCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin DbOptions db = new DbOptions();
  @Option(names = "--tenant", paramLabel = "T") @Nullable String tenant;
  @Option(names = "--feed", paramLabel = "ID", description = "one active feed") @Nullable String feedId;
  @Option(names = "--force", description = "fetch unconditionally (ignore ETag and digest); held-back cancellations stay held back")
  boolean force;
  @Option(names = "--confirm-cancellations", description = {"confirm the cancellations held back for the feed given by --feed",
      "(needed with it): fetched again, and if it still returns what was held back, applied; prints each cancelled event"})
  boolean confirm;

  @Option(names = "--due-only", description = "for cron: sync only the feeds that are due (poll interval, failure "
      + "backoff and the channel's Retry-After honoured) and report the others skipped, not due until when; "
      + "without it every selected active feed is synced now")
  boolean dueOnly;
  @Option(names = "--dry-run", description = "fetch, parse and compare, print what would change (with --json the "
      + "changed events too) and write nothing, not even the feeds' state")
  boolean dryRun;
  @Option(names = "--json", description = "print the reports as a JSON array") boolean json;
  @Option(names = "--allow-host", paramLabel = "HOST", description = "let the SSRF guard fetch from exactly this host, IP address or CIDR range (repeatable)")
  List<String> allowHosts = new ArrayList<>();
  @Option(names = "--tenant-bandwidth", paramLabel = "SIZE", description = "bytes a second each tenant's feeds may "
      + "fetch, shared by every feed synced at once; fetches slow down to it, never fail for it (bytes, or with k or m; "
      + "default 0: no limit)")
  @Nullable String tenantBandwidth;
  @Option(names = "--parallelism", paramLabel = "N", description = "feeds synced at once (default 4)")
  int parallelism = 4;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = Objects.requireNonNull(spec).commandLine().getOut();
    if (parallelism < 1) {
      throw new CliException(IcsSyncCli.USAGE, "--parallelism takes a whole number from 1 up, not " + parallelism);
    }
    if (confirm && feedId == null) {
      throw new CliException(IcsSyncCli.USAGE, "--confirm-cancellations confirms one feed at a time: add --feed ID");
    }
    if (dryRun && confirm) {
      throw new CliException(IcsSyncCli.USAGE, "--dry-run writes nothing and --confirm-cancellations applies: give one of them");
    }
    long bandwidth = tenantBandwidth == null ? 0 : CheckCommand.size(tenantBandwidth, "--tenant-bandwidth", true);
    long started = System.nanoTime();
    try (Database d = db.open()) {
      d.tenantBandwidth(bandwidth);
      List<Feed> feeds = select(d);
      IcsSync sync = d.sync(allowHosts);
      if (confirm) {
        return confirm(out, sync, feeds.get(0));
      }
      SyncMode mode = dryRun ? SyncMode.DRY_RUN : force ? SyncMode.RELOAD : SyncMode.NORMAL;
      Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "syncing", feeds.size());
      List<SyncReport> reports = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, feeds.size())));
      try {
        List<Future<SyncReport>> futures = new ArrayList<>();
        for (Feed f : feeds) {
          futures.add(pool.submit(() -> {
            progress.start(f.id());
            try {
              return sync.syncFeed(f.tenant(), f.id(), mode, dueOnly ? NextDue.HONOUR : NextDue.IGNORE);
            } finally {
              progress.step(f.id());
            }
          }));
        }
        for (Future<SyncReport> fu : futures) {
          reports.add(fu.get());
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new CliException(IcsSyncCli.FAILED, IcsSyncCli.oneLine(cause), cause);
      } finally {
        pool.shutdownNow();
        progress.finish();
      }
      if (json) {
        ArrayNode a = Json.array();
        reports.forEach(r -> a.add(dryRun ? Json.dryRun(r) : Json.report(r)));
        Json.print(out, a);
      } else {
        print(out, reports);
        if (!reports.isEmpty()) {
          out.println(summary(reports, System.nanoTime() - started));
        }
      }
      return reports.stream().anyMatch(r -> r.outcome() == SyncOutcome.FAILED) ? IcsSyncCli.FAILED : IcsSyncCli.OK;
    }
  }

  /** Confirms one feed's held-back cancellations and shows each event cancelled. */
  private int confirm(PrintWriter out, IcsSync sync, Feed feed) {
    SyncReport r = sync.confirmQuarantine(feed.tenant(), feed.id());
    List<CalendarEvent> cancelled = r.changes().stream().filter(c -> c instanceof ChangeEvent.Cancelled)
        .map(c -> ((ChangeEvent.Cancelled) c).event()).toList();
    if (json) {
      ArrayNode a = Json.array();
      ObjectNode n = Json.report(r);
      ArrayNode events = n.putArray("cancelledEvents");
      cancelled.forEach(e -> events.add(Json.event(e)));
      a.add(n);
      Json.print(out, a);
    } else {
      print(out, List.of(r));
      if (r.outcome() == SyncOutcome.SKIPPED || r.outcome() == SyncOutcome.QUARANTINED) {
        out.println("nothing confirmed: " + r.message());
      }
      for (CalendarEvent e : cancelled) {
        out.printf("  cancelled %-24s %-24s %-11s %s%n", bound(e, true), bound(e, false), Json.lower(e.kind()),
            e.key().uid());
      }
    }
    return r.outcome() == SyncOutcome.FAILED ? IcsSyncCli.FAILED : IcsSyncCli.OK;
  }

  private static String bound(CalendarEvent e, boolean start) {
    if (e.range() instanceof DateRange.AllDay d) {
      return (start ? d.start() : d.end()).toString();
    }
    DateRange.Timed t = (DateRange.Timed) e.range();
    return (start ? t.start() : t.end()).toString();
  }

  private List<Feed> select(Database d) {
    if (feedId != null) {
      List<Feed> matches = (tenant == null ? d.store().allFeeds() : d.store().feeds(tenant)).stream()
          .filter(f -> f.id().equals(feedId)).toList();
      if (matches.isEmpty()) {
        throw new CliException(IcsSyncCli.FAILED, "no feed " + feedId + (tenant == null ? "" : " in tenant " + tenant));
      }
      if (matches.size() > 1) {
        throw new CliException(IcsSyncCli.USAGE, "feed " + feedId + " exists in several tenants: add --tenant");
      }
      return matches;
    }
    List<Feed> all = tenant == null ? d.store().allFeeds() : d.store().feeds(tenant);
    return all.stream().filter(Feed::active).toList();
  }

  /** {@code 3 feeds: 2 applied, 1 failed; 4 events changed; 12.3 KB in 0.8 s}. */
  static String summary(List<SyncReport> reports, long nanos) {
    java.util.Map<SyncOutcome, Integer> byOutcome = new java.util.EnumMap<>(SyncOutcome.class);
    long changed = 0;
    long bytes = 0;
    for (SyncReport r : reports) {
      byOutcome.merge(r.outcome(), 1, Integer::sum);
      var c = r.counts();
      changed += c.created() + c.updated() + c.cancelled() + c.reinstated() + c.uidReissued();
      bytes += r.bytes();
    }
    StringBuilder sb = new StringBuilder().append(reports.size()).append(reports.size() == 1 ? " feed: " : " feeds: ");
    byOutcome.forEach((o, n) -> sb.append(n).append(' ').append(Json.lower(o)).append(", "));
    sb.setLength(sb.length() - 2);
    boolean dry = byOutcome.containsKey(SyncOutcome.DRY_RUN);
    sb.append("; ").append(changed).append(changed == 1 ? " event " : " events ")
        .append(dry ? "would change" : "changed").append("; ")
        .append(bytes < 10_000 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0))
        .append(String.format(java.util.Locale.ROOT, " in %.1f s", nanos / 1e9));
    return sb.toString();
  }

  static void print(PrintWriter out, List<SyncReport> reports) {
    if (reports.isEmpty()) {
      out.println("no active feeds");
      return;
    }
    for (SyncReport r : reports) {
      var c = r.counts();
      String changes = c.created() + " new, " + c.updated() + " changed, " + c.cancelled() + " cancelled"
          + (c.reinstated() > 0 ? ", " + c.reinstated() + " back" : "")
          + (c.uidReissued() > 0 ? ", " + c.uidReissued() + " re-keyed" : "")
          + (c.heldBack() > 0 ? ", " + c.heldBack() + " held back" : "");
      out.printf("%-18s %-10s %-12s %-12s %s%s%s (%d ms)%n", TerminalText.line(r.feedId()),
          TerminalText.line(r.source()), TerminalText.line(r.property()),
          Json.lower(r.outcome()), r.outcome() == SyncOutcome.APPLIED || r.outcome() == SyncOutcome.QUARANTINED
              || r.outcome() == SyncOutcome.DRY_RUN
              ? changes : TerminalText.line(r.message()),
          r.failure() == null ? "" : " [" + Json.lower(r.failure()) + "]",
          r.conflictsOpened() > 0 ? ", " + r.conflictsOpened() + " double booking(s)" : "",
          r.timings().total().toMillis());
    }
  }
}
