package dev.icssync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package under {@code src/main/java} of every module of the reactor has a
 * {@code package-info.java} declaring that package {@code @NullMarked} (JSpecify).
 */
class PackageInfoTest {
  private static final Pattern NULL_MARKED = Pattern.compile(
      "(?s)@(org\\.jspecify\\.annotations\\.)?NullMarked\\s+package\\s+([\\w.]+)\\s*;");

  /** The reactor root: the parent of this module's directory (Surefire runs in the module). */
  static Path reactorRoot() {
    Path module = Path.of("").toAbsolutePath();
    Path root = module.getParent();
    assertThat(root.resolve("pom.xml")).as("reactor root pom next to %s", module).exists();
    assertThat(root.resolve("ics-sync-core")).isDirectory();
    return root;
  }

  @Test
  void everyPackageOfEveryModuleIsNullMarked() throws IOException {
    Path root = reactorRoot();
    List<String> problems = new ArrayList<>();
    int packages = 0;
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
        Path sources = module.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
          continue;
        }
        for (Path dir : packageDirs(sources)) {
          packages++;
          String pkg = sources.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), ".");
          Path info = dir.resolve("package-info.java");
          String where = root.relativize(dir).toString();
          if (!Files.exists(info)) {
            problems.add(where + ": no package-info.java");
            continue;
          }
          String text = Files.readString(info, StandardCharsets.UTF_8);
          var m = NULL_MARKED.matcher(text);
          if (!m.find()) {
            problems.add(where + ": package-info.java is not @NullMarked");
          } else if (!m.group(2).equals(pkg)) {
            problems.add(where + ": package-info.java declares " + m.group(2));
          } else if (m.group(1) == null && !text.contains("import org.jspecify.annotations.NullMarked;")) {
            problems.add(where + ": @NullMarked is not JSpecify's");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(packages).as("packages found").isGreaterThan(5);
  }

  /** Directories holding at least one .java file. */
  private static List<Path> packageDirs(Path sources) throws IOException {
    try (Stream<Path> files = Files.walk(sources)) {
      return files.filter(p -> p.toString().endsWith(".java"))
          .map(Path::getParent)
          .distinct()
          .sorted()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
