package dev.icssync.cli;

import picocli.CommandLine.Option;

/** {@code --db URL}, shared by the commands that use a store; {@code ICSSYNC_DB} when absent. */
final class DbOptions {
  static final String FLAG = "--db";
  static final String ENV = "ICSSYNC_DB";

  @Option(names = FLAG, paramLabel = "URL",
      description = "jdbc:h2:... or jdbc:postgresql:... (migrated on first use); default: the ICSSYNC_DB "
          + "environment variable, which keeps a password out of the command line and the shell history")
  String url = "";

  Database open() {
    if (url == null || url.isBlank()) {
      throw new CliException(IcsSyncCli.USAGE, FLAG + " is missing: give " + FLAG
          + " jdbc:h2:... or jdbc:postgresql:..., or set " + ENV);
    }
    return Database.open(url);
  }
}
