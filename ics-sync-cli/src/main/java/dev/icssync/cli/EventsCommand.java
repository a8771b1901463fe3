package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.spi.EventQuery;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync events}. */
@Command(mixinStandardHelpOptions = true, name = "events", description = "List a property's stored events, ordered by start.")
final class EventsCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin DbOptions db = new DbOptions();
  @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
  @Option(names = "--property", required = true, paramLabel = "P") String property = "";
  @Option(names = "--include-cancelled", description = "list cancelled events too") boolean includeCancelled;
  @Option(names = "--json", description = "print a JSON array") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = Objects.requireNonNull(spec).commandLine().getOut();
    try (Database d = db.open()) {
      List<CalendarEvent> events = d.store().events(new EventQuery(tenant, property, null, null, includeCancelled));
      if (json) {
        ArrayNode a = Json.array();
        events.forEach(e -> a.add(Json.event(e)));
        Json.print(out, a);
      } else if (events.isEmpty()) {
        out.println("no events");
      } else {
        out.printf("%-24s %-24s %-10s %-11s %-9s %s%n", "START", "END", "SOURCE", "KIND", "STATUS", "SUMMARY");
        for (CalendarEvent e : events) {
          out.printf("%-24s %-24s %-10s %-11s %-9s %s%n", bound(e.range(), true), bound(e.range(), false),
              TerminalText.line(e.source()), Json.lower(e.kind()), Json.lower(e.status()), TerminalText.line(e.summary()));
        }
      }
    }
    return IcsSyncCli.OK;
  }

  static String bound(DateRange r, boolean start) {
    if (r instanceof DateRange.AllDay d) {
      return (start ? d.start() : d.end()).toString();
    }
    DateRange.Timed t = (DateRange.Timed) r;
    return (start ? t.start() : t.end()).toString();
  }
}
