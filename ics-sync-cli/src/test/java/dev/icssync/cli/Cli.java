package dev.icssync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Runs the command in-process and keeps what it printed. */
record Cli(int status, String out, String err) {

  static Cli run(String... args) {
    return withEnv(Map.of(), args);
  }

  /** With {@code env} as the whole environment (for {@code ICSSYNC_DB}). */
  static Cli withEnv(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = IcsSyncCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * An exported calendar without the values the library makes up itself: UIDs (hashes) and
   * DTSTAMPs (the clock). A guest's detail that leaked into an export would be on another line,
   * while those two can hold any run of digits by chance (a UID once held a guest's "4821").
   */
  static String withoutGeneratedValues(String ics) {
    return ics.lines().filter(l -> !l.startsWith("UID:") && !l.startsWith("DTSTAMP:"))
        .collect(Collectors.joining("\n"));
  }

  JsonNode json() {
    try {
      return new ObjectMapper().readTree(out);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
    }
  }
}
