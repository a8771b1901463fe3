package dev.icssync.cli;

import picocli.CommandLine.Option;

/** {@code --db URL} and the engine's settings, shared by the commands that use a store. */
final class DbOptions {
  @Option(names = "--db", required = true, paramLabel = "URL",
      description = "jdbc:h2:... or jdbc:postgresql:... (migrated on first use)")
  String url = "";

  @Option(names = "--personal-events-block", arity = "1", paramLabel = "true|false",
      description = "whether events of personal calendars (Google, Outlook: owner stays, maintenance) take the "
          + "property's dates, in double-booking detection and exports alike (default true); give the same value "
          + "to every command (sync, export, serve, ...)")
  boolean personalEventsBlock = true;

  Database open() {
    return Database.open(url).personalEventsBlock(personalEventsBlock);
  }
}
