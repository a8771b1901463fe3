package dev.icssync.cli;

import picocli.CommandLine.Option;

/** {@code --db URL} and the engine's settings, shared by the commands that use a store; {@code ICSSYNC_DB} when absent. */
final class DbOptions {
  static final String FLAG = "--db";
  static final String ENV = "ICSSYNC_DB";

  @Option(names = FLAG, paramLabel = "URL",
      description = "jdbc:h2:... or jdbc:postgresql:... (migrated on first use); default: the ICSSYNC_DB "
          + "environment variable, which keeps a password out of the command line and the shell history")
  String url = "";

  @Option(names = "--personal-events-block", arity = "1", paramLabel = "true|false",
      description = "whether events of personal calendars (Google, Outlook: owner stays, maintenance) take the "
          + "property's dates, in double-booking detection and exports alike (default true); give the same value "
          + "to every command (sync, export, serve, ...)")
  boolean personalEventsBlock = true;

  Database open() {
    if (url == null || url.isBlank()) {
      throw new CliException(IcsSyncCli.USAGE, FLAG + " is missing: give " + FLAG
          + " jdbc:h2:... or jdbc:postgresql:..., or set " + ENV);
    }
    return Database.open(url).personalEventsBlock(personalEventsBlock);
  }
}
