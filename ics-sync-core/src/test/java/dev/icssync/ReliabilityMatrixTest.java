package dev.icssync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY.md at the repository root is a table of promises, each row naming the tests that prove
 * it as {@code `module/src/test/java/dev/icssync/.../Class.java#method`}. This test fails the build
 * when the table has fewer than 16 scenario rows, when rows are not numbered 1, 2, 3, ..., when a row
 * names no test, or when a reference points to a missing file or to a method that is not a JUnit
 * test there (read from the source text: a test annotation among the annotations directly in front
 * of the method's declaration).
 */
class ReliabilityMatrixTest {
  static final String FILE = "RELIABILITY.md";
  static final int MIN_SCENARIOS = 16;
  /** JUnit Jupiter, jqwik and Jazzer annotations that make a method run as a test. */
  static final Set<String> TEST_ANNOTATIONS = Set.of("Test", "ParameterizedTest", "RepeatedTest",
      "TestFactory", "TestTemplate", "Property", "Example", "FuzzTest");

  private static final Pattern REFERENCE = Pattern.compile("`([^`\\s#]+)#([^`\\s]*)`");
  private static final Pattern SOURCE_PATH =
      Pattern.compile("[A-Za-z0-9_.-]+/src/(test|main)/java/[A-Za-z0-9_/$]+\\.java");
  private static final Pattern JAVA_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
  private static final Set<String> MODIFIERS = Set.of("public", "protected", "private", "static",
      "final", "abstract", "synchronized", "default", "strictfp", "native");

  @Test
  void everyScenarioRowNamesTestsThatExist() throws IOException {
    Path root = repositoryRoot(Path.of("").toAbsolutePath());
    String markdown = Files.readString(root.resolve(FILE), StandardCharsets.UTF_8);
    Matrix matrix = Matrix.parse(markdown);
    List<String> problems = check(root, matrix);
    assertThat(problems)
        .withFailMessage("%s: %d rows, %d test references; %d broken:%n  %s", root.resolve(FILE),
            matrix.rows().size(), matrix.references(), problems.size(), String.join("\n  ", problems))
        .isEmpty();
  }

  @Test
  void aBrokenReferenceIsReportedWithItsRowAndReason(@TempDir Path dir) throws IOException {
    Path tests = dir.resolve("m/src/test/java/dev/icssync/x");
    Files.createDirectories(tests);
    Files.writeString(tests.resolve("GoodTest.java"), String.join("\n",
        "package dev.icssync.x;",
        "class GoodTest {",
        "  @org.junit.jupiter.api.Test",
        "  void real() {}",
        "",
        "  @ParameterizedTest",
        "  @ValueSource(strings = {\"a) void fake(\", \"b\"})",
        "  void parameterised(String s) {}",
        "",
        "  @Property(tries = 10)",
        "  public static final void property(@ForAll int i) {}",
        "",
        "  @TestFactory",
        "  Stream<DynamicTest> factory() { return Stream.empty(); }",
        "",
        "  // @Test",
        "  void commentedOut() {}",
        "",
        "  @Test",
        "  void first() {}",
        "  void helper() {}",
        "  /** {@code @Test} */",
        "  @Disabled(\"@Test\")",
        "  void mentionedOnly() {}",
        "}"));
    String base = "`m/src/test/java/dev/icssync/x/GoodTest.java#";
    StringBuilder md = new StringBuilder("| # | Scenario | Promise | Tests |\n|---|---|---|---|\n");
    String[] good = {"real", "parameterised", "property", "factory", "first"};
    for (int i = 1; i <= MIN_SCENARIOS; i++) {
      md.append("| ").append(i).append(" | s | p | ").append(base).append(good[i % good.length])
          .append("` |\n");
    }
    assertThat(check(dir, Matrix.parse(md.toString()))).isEmpty();

    String broken = md.toString()
        .replace("| 3 | s | p | " + base + good[3] + "`", "| 3 | s | p | " + base + "helper`")
        .replace("| 4 | s | p | " + base + good[4] + "`", "| 4 | s | p | " + base + "commentedOut` "
            + base + "mentionedOnly` " + base + "fake`")
        .replace("| 5 | s | p | " + base + good[0] + "`",
            "| 5 | s | p | `m/src/test/java/dev/icssync/x/Missing.java#real`")
        .replace("| 6 | s | p | " + base + good[1] + "`", "| 6 | s | p | none yet")
        .replace("| 7 | s | p | " + base + good[2] + "`", "| 7 | s | p | `../outside/X.java#real`");
    List<String> problems = check(dir, Matrix.parse(broken));
    assertThat(problems).hasSize(7);
    assertThat(problems.get(0)).contains("row 3").contains("GoodTest.java#helper").contains("not a test");
    assertThat(problems.get(1)).contains("row 4").contains("#commentedOut").contains("not a test");
    assertThat(problems.get(2)).contains("row 4").contains("#mentionedOnly").contains("not a test");
    assertThat(problems.get(3)).contains("row 4").contains("#fake").contains("no method");
    assertThat(problems.get(4)).contains("row 5").contains("Missing.java").contains("no such file");
    assertThat(problems.get(5)).contains("row 6").contains("references no test");
    assertThat(problems.get(6)).contains("row 7").contains("../outside/X.java");

    String gap = md.toString().replaceFirst("\\| 9 \\|", "| 10 |");
    assertThat(check(dir, Matrix.parse(gap))).anySatisfy(
        p -> assertThat(p).contains("row 10").contains("expected number 9"));
    String few = md.substring(0, md.indexOf("| 16 |"));
    assertThat(check(dir, Matrix.parse(few))).anySatisfy(
        p -> assertThat(p).contains("15 scenario rows").contains("at least 16"));
  }

  /** The nearest directory at or above {@code start} that holds RELIABILITY.md. */
  static Path repositoryRoot(Path start) {
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(FILE))) {
        return p;
      }
    }
    throw new AssertionError("no " + FILE + " in " + start + " or any parent directory");
  }

  record Row(int line, String number, String tests) {}

  record Matrix(List<Row> rows, List<String> malformed) {
    int references() {
      int n = 0;
      for (Row r : rows) {
        Matcher m = REFERENCE.matcher(r.tests());
        while (m.find()) {
          n++;
        }
      }
      return n;
    }

    /** Every table row of the document except header and separator rows. */
    static Matrix parse(String markdown) {
      List<Row> rows = new ArrayList<>();
      List<String> malformed = new ArrayList<>();
      String[] lines = markdown.split("\r?\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (!line.startsWith("|")) {
          continue;
        }
        List<String> cells = cells(line);
        if (cells.isEmpty() || cells.get(0).equals("#")
            || cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
          continue;
        }
        if (cells.size() < 4) {
          malformed.add("line " + (i + 1) + ": a scenario row needs 4 cells (#, scenario, promise, tests),"
              + " has " + cells.size());
          continue;
        }
        rows.add(new Row(i + 1, cells.get(0), cells.get(cells.size() - 1)));
      }
      return new Matrix(rows, malformed);
    }

    /** Splits a table row on the pipes outside backquotes. */
    private static List<String> cells(String line) {
      List<String> out = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean code = false;
      for (int i = 1; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '`') {
          code = !code;
        }
        if (c == '|' && !code && line.charAt(i - 1) != '\\') {
          out.add(cell.toString().strip());
          cell.setLength(0);
        } else {
          cell.append(c);
        }
      }
      if (!cell.toString().isBlank()) {
        out.add(cell.toString().strip());
      }
      return out;
    }
  }

  /** Every problem of the matrix, in row order; empty when it is sound. */
  static List<String> check(Path root, Matrix matrix) {
    List<String> problems = new ArrayList<>(matrix.malformed());
    if (matrix.rows().size() < MIN_SCENARIOS) {
      problems.add(matrix.rows().size() + " scenario rows, at least " + MIN_SCENARIOS + " required");
    }
    Map<Path, Set<String>> testsByFile = new HashMap<>();
    int expected = 1;
    for (Row row : matrix.rows()) {
      String where = "row " + row.number() + " (line " + row.line() + ")";
      if (!row.number().equals(Integer.toString(expected))) {
        problems.add(where + ": expected number " + expected + " (rows are numbered 1, 2, 3, ...)");
      }
      expected++;
      Matcher m = REFERENCE.matcher(row.tests());
      int refs = 0;
      while (m.find()) {
        refs++;
        String path = m.group(1);
        String method = m.group(2);
        String ref = path + "#" + method;
        if (!SOURCE_PATH.matcher(path).matches() || path.contains("..")) {
          problems.add(where + ": " + ref + ": not a path of the form module/src/test/java/.../Class.java");
          continue;
        }
        if (!JAVA_NAME.matcher(method).matches()) {
          problems.add(where + ": " + ref + ": '" + method + "' is not a method name");
          continue;
        }
        Path file = root.resolve(path).normalize();
        if (!Files.isRegularFile(file)) {
          problems.add(where + ": " + ref + ": no such file");
          continue;
        }
        Set<String> tests = testsByFile.computeIfAbsent(file, ReliabilityMatrixTest::testMethods);
        if (!tests.contains(method)) {
          problems.add(where + ": " + ref + ": " + (declaresMethod(file, method)
              ? "the method is not a test (no " + String.join("/", TEST_ANNOTATIONS.stream().sorted()
                  .map(a -> "@" + a).toList()) + " directly above it)"
              : "no method of that name in the file"));
        }
      }
      if (refs == 0) {
        problems.add(where + ": references no test (expected `module/src/test/java/.../Class.java#method`)");
      }
    }
    return problems;
  }

  /** Names of the methods of a Java source annotated with a test annotation. */
  static Set<String> testMethods(Path file) {
    String src = blankCommentsAndLiterals(read(file));
    Set<String> names = new LinkedHashSet<>();
    Matcher at = Pattern.compile("@\\s*([A-Za-z_$][\\w$]*(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)*)").matcher(src);
    int from = 0;
    while (from < src.length() && at.find(from)) {
      String qualified = at.group(1).replaceAll("\\s", "");
      String simple = qualified.substring(qualified.lastIndexOf('.') + 1);
      from = at.end();
      if (!TEST_ANNOTATIONS.contains(simple) || isAnnotationDeclaration(src, at.start())) {
        continue;
      }
      String name = methodAfterAnnotations(src, at.start());
      if (name != null) {
        names.add(name);
      }
    }
    return names;
  }

  private static boolean isAnnotationDeclaration(String src, int at) {
    return src.startsWith("interface", skipSpace(src, at + 1));
  }

  private static boolean declaresMethod(Path file, String method) {
    String src = blankCommentsAndLiterals(read(file));
    return Pattern.compile("[\\w$>\\]]\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(src).find();
  }

  /**
   * From an annotation at {@code start}: skips it and any further annotations and modifiers, a type
   * parameter list and a return type, and returns the name if a method declaration follows, else null.
   */
  static String methodAfterAnnotations(String src, int start) {
    int i = start;
    while (true) {
      i = skipSpace(src, i);
      if (i < src.length() && src.charAt(i) == '@') {
        i = skipSpace(src, i + 1);
        int end = qualifiedNameEnd(src, i);
        if (end == i) {
          return null;
        }
        i = skipSpace(src, end);
        if (i < src.length() && src.charAt(i) == '(') {
          i = skipBalanced(src, i, '(', ')');
          if (i < 0) {
            return null;
          }
        }
        continue;
      }
      int end = identifierEnd(src, i);
      if (end > i && MODIFIERS.contains(src.substring(i, end))) {
        i = end;
        continue;
      }
      break;
    }
    if (i < src.length() && src.charAt(i) == '<') {
      i = skipBalanced(src, i, '<', '>');
      if (i < 0) {
        return null;
      }
      i = skipSpace(src, i);
    }
    // return type: a qualified name with type arguments and array brackets
    int typeEnd = qualifiedNameEnd(src, i);
    if (typeEnd == i) {
      return null;
    }
    i = skipSpace(src, typeEnd);
    if (i < src.length() && src.charAt(i) == '<') {
      i = skipBalanced(src, i, '<', '>');
      if (i < 0) {
        return null;
      }
      i = skipSpace(src, i);
    }
    while (src.startsWith("[", i)) {
      i = skipSpace(src, i + 1);
      if (!src.startsWith("]", i)) {
        return null;
      }
      i = skipSpace(src, i + 1);
    }
    int nameEnd = identifierEnd(src, i);
    if (nameEnd == i) {
      return null;
    }
    String name = src.substring(i, nameEnd);
    i = skipSpace(src, nameEnd);
    return i < src.length() && src.charAt(i) == '(' ? name : null;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int identifierEnd(String s, int i) {
    if (i >= s.length() || !Character.isJavaIdentifierStart(s.charAt(i))) {
      return i;
    }
    int j = i + 1;
    while (j < s.length() && Character.isJavaIdentifierPart(s.charAt(j))) {
      j++;
    }
    return j;
  }

  private static int qualifiedNameEnd(String s, int i) {
    int end = identifierEnd(s, i);
    while (end > i) {
      int dot = skipSpace(s, end);
      if (dot >= s.length() || s.charAt(dot) != '.') {
        break;
      }
      int next = skipSpace(s, dot + 1);
      int nextEnd = identifierEnd(s, next);
      if (nextEnd == next) {
        break;
      }
      end = nextEnd;
    }
    return end;
  }

  /** Index after the bracket closing the one at {@code i}, or -1 if unbalanced. */
  private static int skipBalanced(String s, int i, char open, char close) {
    int depth = 0;
    for (int j = i; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return j + 1;
      }
    }
    return -1;
  }

  /**
   * The source with comments and the contents of string, text-block and char literals replaced by
   * spaces (offsets kept), so that neither a commented-out annotation nor a parenthesis in a string
   * confuses the scan.
   */
  static String blankCommentsAndLiterals(String src) {
    StringBuilder out = new StringBuilder(src);
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (src.startsWith("//", i)) {
        int end = src.indexOf('\n', i);
        end = end < 0 ? n : end;
        blank(out, i, end);
        i = end;
      } else if (src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        blank(out, i, end);
        i = end;
      } else if (src.startsWith("\"\"\"", i)) {
        int j = i + 3;
        while (j < n && !src.startsWith("\"\"\"", j)) {
          j += src.charAt(j) == '\\' ? 2 : 1;
        }
        int end = Math.min(n, j + 3);
        blank(out, i + 3, Math.min(n, j));
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
          j += src.charAt(j) == '\\' ? 2 : 1;
        }
        blank(out, i + 1, Math.min(n, j));
        i = Math.min(n, j + 1);
      } else {
        i++;
      }
    }
    return out.toString();
  }

  private static void blank(StringBuilder out, int from, int to) {
    for (int k = from; k < to; k++) {
      if (out.charAt(k) != '\n') {
        out.setCharAt(k, ' ');
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
