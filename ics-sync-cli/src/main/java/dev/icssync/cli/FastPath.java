package dev.icssync.cli;

import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The two short commands without picocli: {@code --version} alone, and {@code check <file-or-url>}
 * with {@code check}'s own options ({@code --json}, {@code --source}, {@code --zone}, {@code --from},
 * {@code --to}, {@code --allow-host}, {@code --max-bytes}; {@code --opt value} or
 * {@code --opt=value}, in any order around the input). Building picocli's command model takes longer
 * than the whole check of a small feed; these shapes need none of it.
 *
 * <p>{@link #run} returns {@code null} for every argument line it cannot read with certainty, and the
 * caller hands that line to picocli unchanged (it decides before it prints anything): an unknown, repeated or misspelt option, a value that
 * does not convert, a blank value, a missing or second input, anything starting with {@code -} or
 * {@code @} where a value or the input goes, {@code --}, {@code --help}, {@code --verbose}, every other
 * command. What it does run prints the same bytes and returns the same status as picocli would
 * (FastPathTest holds the two side by side): the same {@link CheckCommand#check} does the work, and an
 * exception it throws is reported as picocli's execution handler in {@link IcsSyncCli} reports it.
 */
final class FastPath {
  private FastPath() {}

  /** The exit status, or {@code null}: picocli must parse {@code args}. */
  static @Nullable Integer run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      String line = IcsSyncCli.versionLine();
      // picocli formats the version with String.format and reads @|...|@ as colour markup
      if (line.indexOf('%') >= 0 || line.contains("@|")) {
        return null;
      }
      out.println(line);
      return IcsSyncCli.OK;
    }
    if (args.length >= 2 && args[0].equals("check")) {
      CheckCommand check = check(args);
      if (check == null) {
        return null;
      }
      try {
        return check.check(out, err);
      } catch (Exception e) { // as IcsSyncCli's execution exception handler, without --verbose
        err.println("ics-sync: " + IcsSyncCli.oneLine(e));
        return e instanceof CliException c ? c.status() : IcsSyncCli.FAILED;
      }
    }
    return null;
  }

  /** {@code check} with the options of {@code args} (from index 1) set, or {@code null}. */
  private static @Nullable CheckCommand check(String[] args) {
    CheckCommand c = new CheckCommand();
    Set<String> seen = new HashSet<>();
    boolean input = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("@")) {
        return null; // picocli reads @file as a file of arguments
      }
      if (!a.startsWith("-")) {
        if (input) {
          return null;
        }
        c.input = a;
        input = true;
        continue;
      }
      if (a.equals("--json")) {
        if (!seen.add(a)) {
          return null;
        }
        c.json = true;
        continue;
      }
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      String value;
      if (eq >= 0) {
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return null;
      }
      // a value that looks like an option or an @file, or is blank: picocli's own rules and messages
      if (value.isBlank() || value.startsWith("-") || value.startsWith("@")) {
        return null;
      }
      if (!name.equals("--allow-host") && !seen.add(name)) {
        return null;
      }
      try {
        switch (name) {
          case "--source" -> c.source = value;
          case "--zone" -> c.zone = ZoneId.of(value);
          case "--from" -> c.from = LocalDate.parse(value);
          case "--to" -> c.to = LocalDate.parse(value);
          case "--max-bytes" -> c.maxBytes = value;
          case "--allow-host" -> c.allowHosts.add(value);
          default -> {
            return null;
          }
        }
      } catch (DateTimeException e) {
        return null; // picocli's message says what the option takes
      }
    }
    return input ? c : null;
  }
}
