package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    Cli r = Cli.run("--help");

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("demo", "check", "feeds", "properties", "sync", "events", "conflicts", "export",
        "tokens", "serve", "Exit status:", "64");
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] cmd : new String[][] {{"demo"}, {"check"}, {"feeds"}, {"feeds", "add"}, {"feeds", "list"},
        {"feeds", "remove"}, {"properties", "set"}, {"sync"}, {"events"}, {"conflicts"}, {"conflicts", "ignore"},
        {"conflicts", "unignore"}, {"export"}, {"tokens", "create"}, {"tokens", "list"}, {"tokens", "revoke"},
        {"tokens", "rotate"}, {"serve"}}) {
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      Cli r = Cli.run(args);
      assertThat(r.status()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: ics-sync " + String.join(" ", cmd));
    }
    assertThat(Cli.run("check", "--help").out()).contains("--allow-host=HOST", "--json", "--source=S", "--zone=ZONE",
        "--from=DATE", "--to=DATE");
  }

  @Test
  void usageErrorsExitWith64AndOneHint() {
    Cli unknown = Cli.run("frobnicate");
    assertThat(unknown.status()).isEqualTo(64);
    assertThat(unknown.err()).contains("ics-sync: Unmatched argument").contains("Try 'ics-sync --help'.");

    assertThat(Cli.run().status()).isEqualTo(64);
    assertThat(Cli.run("check").status()).isEqualTo(64);
    assertThat(Cli.run("feeds").status()).isEqualTo(64);
    assertThat(Cli.run("feeds", "add", "--db", "jdbc:h2:mem:x").status()).isEqualTo(64);
  }

  @Test
  void databaseUrlMustBeJdbcH2OrPostgresql() {
    Cli r = Cli.run("feeds", "list", "--db", "mysql://localhost/x?password=hunter2");

    assertThat(r.status()).isEqualTo(64);
    assertThat(r.err()).contains("--db takes jdbc:h2:... or jdbc:postgresql:...").doesNotContain("hunter2");
  }

  @Test
  void unreachableDatabaseIsOneLineWithoutStackTraceUnlessVerbose() {
    Cli quiet = Cli.run("feeds", "list", "--db", "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1");
    assertThat(quiet.status()).isEqualTo(1);
    assertThat(quiet.err().strip().lines()).hasSize(1);
    assertThat(quiet.err()).startsWith("ics-sync: cannot open jdbc:postgresql://127.0.0.1:1/nothing...");

    Cli verbose = Cli.run("feeds", "list", "--verbose", "--db", "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1");
    assertThat(verbose.status()).isEqualTo(1);
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void theReadmeCommandTableListsEveryCommandAndFlag() throws java.io.IOException {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    String table = readme.substring(readme.indexOf("## The `ics-sync` command"), readme.indexOf("### On PostgreSQL"));
    java.util.List<String> missing = new java.util.ArrayList<>();
    walk(IcsSyncCli.commandLine(), table, missing);
    assertThat(missing).as("in the README's command table").isEmpty();
  }

  private static void walk(picocli.CommandLine cli, String table, java.util.List<String> missing) {
    picocli.CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
    String name = spec.qualifiedName().replaceFirst("^ics-sync ?", "");
    if (!name.isEmpty() && !name.equals("help")) {
      if (!table.contains("`" + name + " ") && !table.contains("`" + name + "`")) {
        missing.add(name);
      }
      for (picocli.CommandLine.Model.OptionSpec o : spec.options()) {
        if (o.usageHelp() || o.versionHelp() || o.longestName().equals("--verbose")) {
          continue;
        }
        if (java.util.Arrays.stream(o.names()).noneMatch(n -> table.contains(n + " ") || table.contains(n + "]")
            || table.contains(n + "`") || table.contains(n + ")"))) {
          missing.add(name + " " + o.longestName());
        }
      }
    }
    cli.getSubcommands().values().forEach(sub -> walk(sub, table, missing));
  }
}
