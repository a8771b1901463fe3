package dev.icssync.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ics-sync} command. {@link #main} runs it and exits; {@link #run} runs it in-process and
 * returns the exit status.
 *
 * <pre>{@code
 * int status = IcsSyncCli.run(new String[] {"check", "feed.ics", "--json"}, System.out, System.err);
 * }</pre>
 */
@Command(
    name = "ics-sync",
    mixinStandardHelpOptions = true,
    versionProvider = IcsSyncCli.Version.class,
    description = "Keeps vacation-rental iCalendar feeds in sync, detects double bookings and exports merged feeds.",
    subcommands = {
        DemoCommand.class,
        CheckCommand.class,
        FeedsCommand.class,
        PropertiesCommand.class,
        SyncCommand.class,
        EventsCommand.class,
        ConflictsCommand.class,
        ExportCommand.class,
        TokensCommand.class,
        ServeCommand.class,
        RunCommand.class,
        StatsCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        " 0:success",
        " 1:the command failed (database unreachable, unknown feed, a feed whose sync failed)",
        " 2:check: the input is not a calendar, or could not be read or fetched",
        "64:usage error (unknown command or option, bad value)"},
    footerHeading = "%n",
    footer = {"--db takes jdbc:h2:... (embedded) or jdbc:postgresql:...; the schema is migrated on first use.",
        "Errors are one line each; add --verbose for stack traces."})
public final class IcsSyncCli implements Runnable {
  /** Exit status: success. */
  public static final int OK = 0;
  /** Exit status: the command failed. */
  public static final int FAILED = 1;
  /** Exit status: {@code check} could not read the input as a calendar. */
  public static final int NOT_A_CALENDAR = 2;
  /** Exit status: bad usage. */
  public static final int USAGE = 64;

  private static final Set<String> VERBOSE = Set.of("--verbose", "-v");

  @Spec
  @Nullable CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Print stack traces and library logs.")
  boolean verbose;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(java.util.Objects.requireNonNull(spec).commandLine(),
        "Missing command");
  }

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    boolean verbose = Arrays.stream(args).anyMatch(VERBOSE::contains);
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    int status = run(args, System.out, System.err);
    System.exit(status);
  }

  /** Runs the command in-process, writing to {@code out} and {@code err}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    boolean verbose = Arrays.stream(args).anyMatch(VERBOSE::contains);
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cli = new CommandLine(new IcsSyncCli());
    cli.setOut(outWriter);
    cli.setErr(errWriter);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExitCodeExceptionMapper(e -> e instanceof CliException c ? c.status() : FAILED);
    cli.setParameterExceptionHandler((e, a) -> {
      errWriter.println("ics-sync: " + e.getMessage());
      CommandLine sub = e.getCommandLine();
      errWriter.println("Try '" + sub.getCommandSpec().qualifiedName() + " --help'.");
      return USAGE;
    });
    cli.setExecutionExceptionHandler((e, c, parsed) -> {
      errWriter.println("ics-sync: " + oneLine(e));
      if (verbose) {
        e.printStackTrace(errWriter);
      }
      return e instanceof CliException ce ? ce.status() : FAILED;
    });
    try {
      return cli.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  /** The message of an error, on one line. */
  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (e instanceof CliException || e instanceof dev.icssync.IcsSyncException) {
      m = m == null ? e.getClass().getSimpleName() : m;
    } else {
      m = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
    if (e.getCause() != null && !(e instanceof CliException) && e.getCause().getMessage() != null
        && !m.contains(e.getCause().getMessage())) {
      m += " (" + e.getCause().getMessage() + ")";
    }
    return m.replace('\n', ' ').replace('\r', ' ');
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = IcsSyncCli.class.getPackage().getImplementationVersion();
      return new String[] {"ics-sync " + (v == null ? "(development build)" : v)};
    }
  }
}
