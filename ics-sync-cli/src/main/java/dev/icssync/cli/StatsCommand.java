package dev.icssync.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync stats}. */
@Command(mixinStandardHelpOptions = true, name = "stats",
    description = {"Operator statistics per tenant and source over the last hour and day: syncs by outcome,",
        "events changed, bytes fetched, p50/p95 sync duration; open conflicts and quarantined feeds now."})
final class StatsCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin DbOptions db = new DbOptions();
  @Option(names = "--json", description = "print a JSON document") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = Objects.requireNonNull(spec).commandLine().getOut();
    try (Database d = db.open()) {
      SyncStatistics.Snapshot s = SyncStatistics.read(d.dataSource(), Instant.now());
      if (json) {
        Json.print(out, SyncStatistics.json(s));
      } else if (s.tenants().isEmpty()) {
        out.println("no feeds and no syncs in the last day");
      } else {
        SyncStatistics.table(s).forEach(out::println);
      }
    }
    return IcsSyncCli.OK;
  }
}
