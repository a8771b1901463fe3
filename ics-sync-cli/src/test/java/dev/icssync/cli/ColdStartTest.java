package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short commands load only what they use: {@code --version} and {@code check} of a file start a
 * fresh JVM (the test's class path, as the jar has it) and the classes it loaded are read from
 * {@code -Xlog:class+load}. None of the database, HTTP, scheduler or metrics stack may be among them,
 * nor the command classes of other subcommands, nor Jackson for text output, nor picocli's command
 * model ({@link FastPath} reads these argument lines).
 */
class ColdStartTest {
  /** Class name prefixes the short commands must never load. */
  private static final List<String> HEAVY = List.of("dev.icssync.jdbc.", "dev.icssync.http.", "dev.icssync.scheduler.",
      "dev.icssync.micrometer.", "dev.icssync.cache.", "org.h2.", "org.postgresql.", "com.zaxxer.", "org.flywaydb.",
      "org.apache.hc.", "io.micrometer.", "com.github.kagkarlsson.", "net.fortuna.", "java.net.http.",
      "com.sun.net.httpserver.", "dev.icssync.cli.Database", "dev.icssync.cli.SyncCommand",
      "dev.icssync.cli.RunCommand", "dev.icssync.cli.FeedsCommand", "dev.icssync.cli.DemoCommand");

  @TempDir Path dir;

  @Test
  void versionLoadsNoSubcommandAndNothingOfTheDatabaseOrHttpStack() throws Exception {
    List<String> loaded = loadedClasses("--version");
    assertThat(loaded).contains("dev.icssync.cli.IcsSyncCli");
    assertThat(heavy(loaded)).isEmpty();
    assertThat(loaded).noneMatch(c -> c.startsWith("dev.icssync.cli.CheckCommand"))
        .noneMatch(c -> c.startsWith("com.fasterxml.jackson."));
    assertThat(picocliModel(loaded)).as("picocli's command model (FastPath prints the version)").isEmpty();
  }

  @Test
  void checkOfAFileLoadsNeitherTheDatabaseNorHttpStackNorJackson() throws Exception {
    Path feed = dir.resolve("feed.ics");
    try (InputStream in = CdsTraining.class.getResourceAsStream("training-feed.ics")) {
      Files.copy(in, feed);
    }
    List<String> loaded = loadedClasses("check", feed.toString());
    assertThat(loaded).contains("dev.icssync.cli.CheckCommand", "dev.icssync.ical.IcalParser");
    assertThat(heavy(loaded)).isEmpty();
    assertThat(loaded).noneMatch(c -> c.startsWith("com.fasterxml.jackson."));
    assertThat(picocliModel(loaded)).as("picocli's command model (FastPath parses check's options)").isEmpty();
  }

  /**
   * The first lambda, regular expression or VarHandle of a process sets up the JDK's method-handle
   * machinery (it spins classes at run time), which cost {@code check} of a small feed more than
   * reading and parsing it; the short commands' own code and what it calls use none. Nor does check read
   * its file through a file channel (NIO's native library and some thirty classes).
   */
  @Test
  void theShortCommandsLinkNoLambdaRegularExpressionOrVarHandle() throws Exception {
    Path feed = dir.resolve("feed.ics");
    Files.writeString(feed, CheckCommandTest.AIRBNB);
    for (List<String> args : List.of(List.of("--version"), List.of("check", feed.toString()))) {
      List<String> loaded = loadedClasses(args.toArray(String[]::new));
      assertThat(loaded).as(String.join(" ", args)).contains("dev.icssync.cli.IcsSyncCli")
          .doesNotContain("java.lang.invoke.LambdaMetafactory", "java.lang.invoke.InnerClassLambdaMetafactory",
              "java.util.regex.Pattern", "java.lang.invoke.VarHandles", "sun.nio.ch.FileChannelImpl")
          .noneMatch(c -> c.contains("$$Lambda"));
    }
  }

  /** picocli's parser and command model; two exception types the verifier of IcsSyncCli loads are not. */
  private static List<String> picocliModel(List<String> loaded) {
    return loaded.stream().filter(c -> c.equals("picocli.CommandLine") || c.startsWith("picocli.CommandLine$Model")
        || c.startsWith("picocli.CommandLine$Interpreter")).toList();
  }

  @Test
  void checkJsonLoadsJacksonButStillNoDatabaseOrHttp() throws Exception {
    Path feed = dir.resolve("feed.ics");
    Files.writeString(feed, CheckCommandTest.AIRBNB);
    List<String> loaded = loadedClasses("check", feed.toString(), "--json");
    assertThat(loaded).contains("com.fasterxml.jackson.databind.ObjectMapper");
    assertThat(heavy(loaded)).isEmpty();
  }

  private static List<String> heavy(List<String> loaded) {
    return loaded.stream().filter(c -> HEAVY.stream().anyMatch(c::startsWith)).toList();
  }

  /** The classes a fresh JVM loads running the command with {@code args}; fails unless it exits 0. */
  private List<String> loadedClasses(String... args) throws IOException, InterruptedException {
    Path log = dir.resolve("classes.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
        IcsSyncCli.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
        .start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the command exits").isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("out.txt"))).isZero();
    List<String> classes = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      // [0.123s][info][class,load] java.lang.Object source: shared objects file
      int at = line.indexOf("] ", line.indexOf("class,load"));
      if (at > 0) {
        String rest = line.substring(at + 2);
        int end = rest.indexOf(' ');
        classes.add(end < 0 ? rest : rest.substring(0, end));
      }
    }
    return classes;
  }
}
