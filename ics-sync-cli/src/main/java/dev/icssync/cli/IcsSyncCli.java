package dev.icssync.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        " 0:success",
        " 1:the command failed (database unreachable, unknown feed, a feed whose sync failed)",
        " 2:check: the input is not a calendar, or could not be read or fetched",
        "64:usage error (unknown command or option, bad value)"},
    footerHeading = "%n",
    footer = {"--db takes jdbc:h2:... (embedded) or jdbc:postgresql:...; the schema is migrated on first use.",
        "Without --db the ICSSYNC_DB environment variable is used (a password stays out of the shell history).",
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

  /** The subcommands in the order the help lists them; {@link #command} makes each. */
  static final List<String> COMMANDS = List.of("demo", "check", "feeds", "properties", "sync", "events", "conflicts",
      "export", "tokens", "serve", "run", "stats", "help");

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
    boolean verbose = false;
    for (String a : args) { // a loop, not a stream: no lambda to link before the command starts
      verbose |= VERBOSE.contains(a);
    }
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    int status = run(args, System.out, System.err, System.getenv());
    System.exit(status);
  }

  /** Runs the command in-process, writing to {@code out} and {@code err}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.getenv());
  }

  /** As {@link #run(String[], PrintStream, PrintStream)}, with the environment given ({@code ICSSYNC_DB}). */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    // the fast path's output is written once at the end, not a write per line: its commands print
    // to one stream or the other, never both, so nothing interleaves
    PrintWriter fastOut = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false);
    PrintWriter fastErr = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), false);
    try {
      Integer fast = FastPath.run(args, fastOut, fastErr);
      if (fast != null) {
        return fast;
      }
    } finally {
      fastOut.flush();
      fastErr.flush();
    }
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    try {
      return runWithPicocli(args, outWriter, errWriter, env);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  /** As {@link #run(String[], PrintStream, PrintStream, Map)}, every argument line parsed by picocli. */
  static int runWithPicocli(String[] args, PrintWriter outWriter, PrintWriter errWriter, Map<String, String> env) {
    boolean verbose = Arrays.stream(args).anyMatch(VERBOSE::contains);
    CommandLine cli = commandLine(args);
    cli.setOut(outWriter);
    cli.setErr(errWriter);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setDefaultValueProvider(arg -> arg instanceof OptionSpec o && o.longestName().equals(DbOptions.FLAG)
        ? env.get(DbOptions.ENV) : null);
    cli.setExitCodeExceptionMapper(e -> e instanceof CliException c ? c.status() : FAILED);
    cli.setExecutionStrategy(parsed -> {
      rejectBlankValues(parsed);
      return new CommandLine.RunLast().execute(parsed);
    });
    cli.setParameterExceptionHandler((e, a) -> {
      errWriter.println("ics-sync: " + TerminalText.line(usageMessage(e)));
      if (!isBadValue(e)) {
        CommandLine sub = e.getCommandLine();
        errWriter.println("Try '" + sub.getCommandSpec().qualifiedName() + " --help'.");
      }
      if (verbose) {
        e.printStackTrace(errWriter);
      }
      return USAGE;
    });
    cli.setExecutionExceptionHandler((e, c, parsed) -> {
      errWriter.println("ics-sync: " + oneLine(e));
      if (verbose) {
        e.printStackTrace(errWriter);
      }
      return e instanceof CliException ce ? ce.status() : FAILED;
    });
    return cli.execute(args);
  }

  /** The whole command, every subcommand registered (the help, a mistyped command's suggestions). */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new IcsSyncCli());
    COMMANDS.forEach(name -> cli.addSubcommand(name, command(name)));
    return cli;
  }

  /**
   * The command as {@code args} need it. Picocli reads the annotations of every registered command
   * (hundreds of reflective look-ups, and the classes of every field's type) before it parses
   * anything: {@code check feed.ics} registers only {@code check}, {@code --version} no subcommand at
   * all; anything else (the help, {@code help check}, {@code --help check}, an unknown command, no command) gets them all.
   * The top-level options take no value, so the first argument that is not an option names the command.
   */
  static CommandLine commandLine(String[] args) {
    String first = null;
    boolean version = false;
    boolean help = false;
    for (String a : args) {
      if (!a.startsWith("-")) {
        first = a;
        break;
      }
      version |= a.equals("-V") || a.equals("--version");
      help |= a.equals("-h") || a.equals("--help");
    }
    if (help) {
      return commandLine();
    }
    if (first != null && !first.equals("help") && COMMANDS.contains(first)) {
      CommandLine cli = new CommandLine(new IcsSyncCli());
      cli.addSubcommand(first, command(first));
      return cli;
    }
    return first == null && version ? new CommandLine(new IcsSyncCli()) : commandLine();
  }

  /** A new instance of the subcommand {@code name}; only its class is loaded. */
  private static Object command(String name) {
    return switch (name) {
      case "demo" -> new DemoCommand();
      case "check" -> new CheckCommand();
      case "feeds" -> new FeedsCommand();
      case "properties" -> new PropertiesCommand();
      case "sync" -> new SyncCommand();
      case "events" -> new EventsCommand();
      case "conflicts" -> new ConflictsCommand();
      case "export" -> new ExportCommand();
      case "tokens" -> new TokensCommand();
      case "serve" -> new ServeCommand();
      case "run" -> new RunCommand();
      case "stats" -> new StatsCommand();
      case "help" -> new CommandLine.HelpCommand();
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** A value picocli could not convert, or a blank one: the message says what the flag takes. */
  private static boolean isBadValue(CommandLine.ParameterException e) {
    return e instanceof BlankValue || (e.getArgSpec() instanceof OptionSpec && e.getValue() != null
        && String.valueOf(e.getMessage()).startsWith("Invalid value"));
  }

  /** A string option given an empty or blank value: no command has a use for one. */
  private static void rejectBlankValues(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      for (OptionSpec o : p.matchedOptions()) {
        Object v = o.getValue();
        boolean blank = v instanceof String s ? s.isBlank()
            : v instanceof Collection<?> values && values.stream().anyMatch(x -> x instanceof String s && s.isBlank());
        if (blank) {
          throw new BlankValue(p.commandSpec().commandLine(), o.longestName() + " takes a non-blank value");
        }
      }
    }
  }

  /** The one line a usage error prints: flag, what it takes, the value given; never a Java type. */
  static String usageMessage(CommandLine.ParameterException e) {
    if (isBadValue(e) && !(e instanceof BlankValue) && e.getArgSpec() instanceof OptionSpec o) {
      return o.longestName() + " takes " + takes(o.type()) + ", not '" + TerminalText.line(e.getValue()) + "'";
    }
    return withoutJavaTypes(String.valueOf(e.getMessage()));
  }

  private static String takes(Class<?> type) {
    if (type == ZoneId.class) {
      return "an IANA time zone like Europe/Lisbon or UTC";
    } else if (type == LocalDate.class) {
      return "a date like 2026-08-24";
    } else if (type == LocalTime.class) {
      return "a time like 15:00";
    } else if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    } else if (type == Path.class) {
      return "a file path";
    } else if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
          .reduce((x, y) -> x + ", " + y).orElse("");
    }
    return "another value";
  }

  /** The patterns of {@link #withoutJavaTypes}, compiled when a message first needs them, not at start. */
  private static final class JavaTypes {
    static final Pattern JAVA_TYPE =
        Pattern.compile("(?:\\b(?:java|javax|jdk|sun|com|org|dev|picocli)\\.[\\w$.]*\\.)?\\b[A-Z]\\w*(?:Exception|Error)\\b:?\\s*");
    static final Pattern QUALIFIED_TYPE = Pattern.compile("\\b(?:java|javax|jdk)\\.[a-z]\\w*(?:\\.\\w+)*\\.([A-Z]\\w*)");

    private JavaTypes() {}
  }

  /** A message with the Java exception types a library or driver put in it taken out. */
  static String withoutJavaTypes(String message) {
    String m = JavaTypes.JAVA_TYPE.matcher(message).replaceAll("");
    m = JavaTypes.QUALIFIED_TYPE.matcher(m).replaceAll("$1");
    return m.replace("()", "").replaceAll("\\(\\s*\\)", "").strip();
  }

  /** The message of an error, on one line, without Java exception types (the stack trace has them). */
  static String oneLine(Throwable e) {
    if (e instanceof java.io.UncheckedIOException u && u.getCause() != null) {
      e = u.getCause();
    }
    if (e instanceof java.nio.file.FileSystemException f) {
      return TerminalText.line(fileProblem(f));
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = "unexpected error (add --verbose for details)";
    }
    Throwable cause = e.getCause();
    if (cause != null && !(e instanceof CliException) && cause.getMessage() != null
        && !m.contains(cause.getMessage())) {
      m += " (" + cause.getMessage() + ")";
    }
    return TerminalText.line(withoutJavaTypes(m).replace('\n', ' ').replace('\r', ' '));
  }

  /** {@code /x/y: permission denied}: a file system failure in words, where Java puts them in the type. */
  static String fileProblem(java.nio.file.FileSystemException f) {
    String what = f.getReason() != null ? f.getReason()
        : f instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : f instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
        : f instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
        : f instanceof java.nio.file.NotDirectoryException ? "not a directory"
        : f instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty"
        : "cannot be used";
    return (f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile())
        + ": ") + what;
  }

  /** A string option given an empty or blank value. */
  private static final class BlankValue extends CommandLine.ParameterException {
    private static final long serialVersionUID = 1L;

    BlankValue(CommandLine cli, String message) {
      super(cli, message);
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {versionLine()};
    }
  }

  /** {@code ics-sync 1.2.3}: the version from the jar's manifest. */
  static String versionLine() {
    String v = IcsSyncCli.class.getPackage().getImplementationVersion();
    return "ics-sync " + (v == null ? "(development build)" : v);
  }
}
