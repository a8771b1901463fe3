package dev.icssync.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of the application class-data archive ({@code ics-sync.jsa}, see
 * {@code bin/ics-sync}): the common commands once each, in one JVM started with
 * {@code -XX:ArchiveClassesAtExit}, so that the archive holds the classes they load, already parsed
 * and verified. {@code --version}, {@code check} of a bundled 100-event feed (text and JSON), and
 * {@code demo} (loopback HTTP, a sync into H2, exports) followed by the commands that read its
 * database. Nothing is printed; the exit status is 1 when {@code check} of the bundled feed fails,
 * so a broken build is not trained on.
 *
 * <p>With the argument {@code short}, only {@code --version} and {@code check} (text and JSON): the
 * training of {@code ics-sync-short.jsa}, the smaller archive {@code bin/ics-sync} starts those
 * commands with (a JVM maps and relocates the whole archive at start, so a third of the size is
 * time saved on every short command).
 *
 * <pre>
 * java -XX:DumpLoadedClassList=ics-sync.classlist -cp ics-sync.jar dev.icssync.cli.CdsTraining [short]
 * </pre>
 */
final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    boolean shortOnly = args.length > 0 && args[0].equals("short");
    // the library's warnings (the failed fetches of the last sync) are not the build's business
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
    Path dir = Files.createTempDirectory("ics-sync-cds");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    int status;
    try {
      Path feed = dir.resolve("feed.ics");
      try (InputStream in = CdsTraining.class.getResourceAsStream("training-feed.ics")) {
        if (in == null) {
          throw new IOException("training-feed.ics is not in the jar");
        }
        Files.copy(in, feed);
      }
      run(quiet, "--version");
      status = run(quiet, "check", feed.toString());
      run(quiet, "check", feed.toString(), "--json");
      if (!shortOnly) {
        trainLong(quiet, dir, feed);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    if (status != IcsSyncCli.OK) {
      System.err.println("ics-sync: the training run's check of the bundled feed failed (exit " + status + ")");
    }
    System.exit(status == IcsSyncCli.OK ? 0 : 1);
  }

  /** The commands of the full archive beyond the short ones: picocli's model, the database, HTTP. */
  private static void trainLong(PrintStream quiet, Path dir, Path feed) {
    run(quiet, "--help");
    // check through picocli too (a line the fast path leaves to it), so its model of check is archived
    run(quiet, "check", feed.toString(), "--json", "--verbose");
    Path demo = dir.resolve("demo");
    run(quiet, "demo", "--out", demo.toString());
    String db = "jdbc:h2:file:" + demo.resolve("demo") + ";AUTO_SERVER=TRUE";
    run(quiet, "feeds", "list", "--db", db);
    run(quiet, "events", "--db", db, "--tenant", "demo", "--property", "villa-azul");
    run(quiet, "conflicts", "--db", db);
    run(quiet, "export", "--db", db, "--tenant", "demo", "--property", "villa-azul", "-o",
        dir.resolve("export.ics").toString());
    // the demo's loopback channels are gone: every fetch fails at once, the sync path still runs
    run(quiet, "sync", "--db", db, "--allow-host", "127.0.0.1");
  }

  private static int run(PrintStream quiet, String... args) {
    return IcsSyncCli.run(args, quiet, quiet, Map.of());
  }
}
