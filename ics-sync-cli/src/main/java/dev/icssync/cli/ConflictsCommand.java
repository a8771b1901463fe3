package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.icssync.Conflict;
import dev.icssync.Feed;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync conflicts}. */
@Command(mixinStandardHelpOptions = true, name = "conflicts", description = "List double bookings (open, resolved and ignored).")
final class ConflictsCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin DbOptions db = new DbOptions();
  @Option(names = "--tenant", paramLabel = "T", description = "one tenant (default: every tenant with feeds)")
  @Nullable String tenant;
  @Option(names = "--json", description = "print a JSON array") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = Objects.requireNonNull(spec).commandLine().getOut();
    try (Database d = db.open()) {
      List<String> tenants = tenant != null ? List.of(tenant)
          : d.store().allFeeds().stream().map(Feed::tenant).distinct().toList();
      List<Conflict> all = new ArrayList<>();
      for (String t : tenants) {
        all.addAll(d.store().conflicts(t, null, null));
      }
      if (json) {
        ArrayNode a = Json.array();
        all.forEach(c -> a.add(Json.conflict(c)));
        Json.print(out, a);
      } else if (all.isEmpty()) {
        out.println("no double bookings");
      } else {
        for (Conflict c : all) {
          out.printf("%-8s %-12s %-12s %s .. %s  %s/%s x %s/%s%n", Json.lower(c.status()), c.tenant(), c.property(),
              c.overlap().start(), c.overlap().end(), c.first().feedId(), c.first().uid(), c.second().feedId(),
              c.second().uid());
        }
      }
    }
    return IcsSyncCli.OK;
  }
}
