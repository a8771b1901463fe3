package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
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
    "Exit status 1 when a feed's sync failed."})
final class SyncCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin DbOptions db = new DbOptions();
  @Option(names = "--tenant", paramLabel = "T") @Nullable String tenant;
  @Option(names = "--feed", paramLabel = "ID", description = "one feed (an inactive one too)") @Nullable String feedId;
  @Option(names = "--force", description = "fetch unconditionally and confirm held-back cancellations")
  boolean force;
  @Option(names = "--json", description = "print the reports as a JSON array") boolean json;
  @Option(names = "--allow-host", paramLabel = "HOST", description = "let the SSRF guard fetch from exactly this host, IP address or CIDR range (repeatable)")
  List<String> allowHosts = new ArrayList<>();
  @Option(names = "--parallelism", paramLabel = "N", description = "feeds synced at once (default 4)")
  int parallelism = 4;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = Objects.requireNonNull(spec).commandLine().getOut();
    if (parallelism < 1) {
      throw new CliException(IcsSyncCli.USAGE, "--parallelism takes a whole number from 1 up, not " + parallelism);
    }
    try (Database d = db.open()) {
      List<Feed> feeds = select(d);
      IcsSync sync = d.sync(allowHosts);
      SyncMode mode = force ? SyncMode.FORCE : SyncMode.NORMAL;
      Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "syncing", feeds.size());
      List<SyncReport> reports = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, feeds.size())));
      try {
        List<Future<SyncReport>> futures = new ArrayList<>();
        for (Feed f : feeds) {
          futures.add(pool.submit(() -> {
            try {
              return sync.syncFeed(f.tenant(), f.id(), mode);
            } finally {
              progress.step();
            }
          }));
        }
        for (Future<SyncReport> fu : futures) {
          reports.add(fu.get());
        }
      } catch (ExecutionException e) {
        throw new CliException(IcsSyncCli.FAILED, IcsSyncCli.oneLine(e.getCause()), e.getCause());
      } finally {
        pool.shutdownNow();
        progress.finish();
      }
      if (json) {
        ArrayNode a = Json.array();
        reports.forEach(r -> a.add(Json.report(r)));
        Json.print(out, a);
      } else {
        print(out, reports);
      }
      return reports.stream().anyMatch(r -> r.outcome() == SyncOutcome.FAILED) ? IcsSyncCli.FAILED : IcsSyncCli.OK;
    }
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
              ? changes : TerminalText.line(r.message()),
          r.failure() == null ? "" : " [" + Json.lower(r.failure()) + "]",
          r.conflictsOpened() > 0 ? ", " + r.conflictsOpened() + " double booking(s)" : "",
          r.timings().total().toMillis());
    }
  }
}
