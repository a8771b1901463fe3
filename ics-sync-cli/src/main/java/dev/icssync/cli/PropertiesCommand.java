package dev.icssync.cli;

import dev.icssync.PropertySettings;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync properties set}. */
@Command(mixinStandardHelpOptions = true, name = "properties", description = "Property settings: time zone, check-in and check-out times.",
    subcommands = PropertiesCommand.Set.class)
final class PropertiesCommand {

  @Command(mixinStandardHelpOptions = true, name = "set", description = {"Set a property's zone and check-in/check-out times (unnamed ones keep their value;",
      "defaults UTC, 15:00, 11:00), then re-run double-booking detection for it."})
  static final class Set implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
    @Option(names = "--property", required = true, paramLabel = "P") String property = "";
    @Option(names = "--zone", paramLabel = "Z", description = "IANA zone, e.g. Europe/Lisbon") @Nullable ZoneId zone;
    @Option(names = "--checkin", paramLabel = "HH:MM") @Nullable LocalTime checkIn;
    @Option(names = "--checkout", paramLabel = "HH:MM") @Nullable LocalTime checkOut;

    @Override
    public Integer call() {
      try (Database d = db.open()) {
        PropertySettings old = d.store().property(tenant, property)
            .orElse(PropertySettings.defaults(tenant, property));
        PropertySettings now = new PropertySettings(tenant, property, zone == null ? old.zone() : zone,
            checkIn == null ? old.checkIn() : checkIn, checkOut == null ? old.checkOut() : checkOut);
        d.sync(List.of()).saveProperty(now);
        Objects.requireNonNull(spec).commandLine().getOut().println(tenant + "/" + property + ": zone " + now.zone()
            + ", check-in " + now.checkIn() + ", check-out " + now.checkOut());
      }
      return IcsSyncCli.OK;
    }
  }
}
