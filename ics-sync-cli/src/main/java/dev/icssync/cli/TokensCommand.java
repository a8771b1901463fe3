package dev.icssync.cli;

import dev.icssync.ExportTokens;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync tokens create}. */
@Command(mixinStandardHelpOptions = true, name = "tokens", description = "Secret export URLs.", subcommands = TokensCommand.Create.class)
final class TokensCommand {

  @Command(mixinStandardHelpOptions = true, name = "create", description = {"Create an export token and print its URL path (/export/<token>.ics),",
      "to append to the address 'ics-sync serve' listens on. Only a hash is stored: save the path now."})
  static final class Create implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
    @Option(names = "--property", required = true, paramLabel = "P") String property = "";
    @Option(names = "--channel", paramLabel = "C", description = "the channel the URL is for") @Nullable String channel;

    @Override
    public Integer call() {
      try (Database d = db.open()) {
        if (d.store().property(tenant, property).isEmpty() && d.store().feeds(tenant).stream()
            .noneMatch(f -> f.property().equals(property))) {
          throw new CliException(IcsSyncCli.FAILED, "no property " + property + " in tenant " + tenant
              + " (add a feed or set its properties first)");
        }
        ExportTokens.Issued issued = d.sync(List.of()).exportTokens().create(tenant, property, channel);
        Objects.requireNonNull(spec).commandLine().getOut().println(ServeCommand.CONTEXT + "/" + issued.token() + ".ics");
      }
      return IcsSyncCli.OK;
    }
  }
}
