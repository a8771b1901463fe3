package dev.icssync.cli;

import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync export}. */
@Command(mixinStandardHelpOptions = true, name = "export", description = {"Write a property's merged calendar (RFC 5545, no guest data).",
    "With --channel C the events imported from C are left out (what you give to C)."})
final class ExportCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin DbOptions db = new DbOptions();
  @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
  @Option(names = "--property", required = true, paramLabel = "P") String property = "";
  @Option(names = "--channel", paramLabel = "C", description = "the channel the export is for") @Nullable String channel;
  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of stdout")
  @Nullable Path output;

  @Override
  public Integer call() throws IOException {
    CommandSpec s = Objects.requireNonNull(spec);
    try (Database d = db.open()) {
      ExportedCalendar cal = d.sync(List.of()).export(ExportView.forProperty(tenant, property).forChannel(channel));
      if (output == null) {
        PrintWriter out = s.commandLine().getOut();
        out.print(new String(cal.body(), StandardCharsets.UTF_8));
        out.flush();
      } else {
        try {
          Path parent = output.toAbsolutePath().getParent();
          if (parent != null) {
            Files.createDirectories(parent);
          }
          Files.write(output, cal.body());
        } catch (IOException e) {
          throw new CliException(IcsSyncCli.FAILED, "cannot write -o " + IcsSyncCli.oneLine(e), e);
        }
        s.commandLine().getErr().println("wrote " + cal.eventCount() + " events to " + output);
      }
    }
    return IcsSyncCli.OK;
  }
}
