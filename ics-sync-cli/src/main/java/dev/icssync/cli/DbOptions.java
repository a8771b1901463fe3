package dev.icssync.cli;

import picocli.CommandLine.Option;

/** {@code --db URL}, shared by the commands that use a store. */
final class DbOptions {
  @Option(names = "--db", required = true, paramLabel = "URL",
      description = "jdbc:h2:... or jdbc:postgresql:... (migrated on first use)")
  String url = "";

  Database open() {
    return Database.open(url);
  }
}
