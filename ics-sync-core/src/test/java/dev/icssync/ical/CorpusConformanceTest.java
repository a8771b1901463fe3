package dev.icssync.ical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every file of the shared corpus (test resources {@code corpus/files}, see NOTICE) through the
 * lenient parser: no exception other than a typed NOT_A_CALENDAR, no hang, the same events through
 * the byte[] and the streaming entry, and the same (uid, recurrence id, start, end, all-day) as
 * ical4j wherever ical4j reads the file, except the disagreements listed in
 * {@code corpus/EXPECTATIONS.tsv} with their reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorpusConformanceTest {
  static final Instant FROM = Instant.parse("1970-01-01T00:00:00Z");
  static final Instant TO = Instant.parse("2031-01-01T00:00:00Z");
  static final ParseOptions LENIENT = ParseOptions.builder().window(FROM, TO).maxInstances(100_000).build();
  static final Duration LIMIT = Duration.ofSeconds(30);

  private Path root;
  private final Map<String, String> expected = new HashMap<>();
  private final Set<String> notACalendar = new HashSet<>();
  private final Set<String> differing = new HashSet<>();
  private final Set<String> compared = new HashSet<>();

  @BeforeAll
  void load() throws IOException, URISyntaxException {
    root = Path.of(getClass().getResource("corpus/NOTICE").toURI()).getParent();
    for (String line : Files.readAllLines(root.resolve("EXPECTATIONS.tsv"), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] c = line.split("\t");
      assertThat(c).as("EXPECTATIONS.tsv row %s", line).hasSize(3);
      assertThat(root.resolve(c[0])).as("listed file").exists();
      assertThat(c[1]).isIn("not-a-calendar", "differs");
      assertThat(c[2]).as("reason of %s", c[0]).isNotBlank();
      expected.put(c[0], c[1]);
    }
  }

  @Test
  void everyCorpusFileHasItsManifestRowInTheNotice() throws IOException {
    String notice = Files.readString(root.resolve("NOTICE"), StandardCharsets.UTF_8);
    List<String> files = files();
    assertThat(files).hasSizeGreaterThan(200);
    for (String f : files) {
      assertThat(notice).as("NOTICE row of %s", f).contains(f + "\t");
    }
  }

  @TestFactory
  Stream<DynamicTest> corpus() throws IOException {
    return files().stream().map(f -> DynamicTest.dynamicTest(f, () -> check(f)));
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.walk(root.resolve("files"))) {
      return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted().toList();
    }
  }

  private void check(String file) throws Exception {
    byte[] body = Files.readAllBytes(root.resolve(file));
    IcalParser parser = IcalParser.create(LENIENT);
    ParseResult ours;
    try {
      ours = assertTimeoutPreemptively(LIMIT, () -> parser.parse(body), file);
    } catch (ParseException e) {
      assertThat(e.failure()).as("%s: %s", file, e.getMessage()).isEqualTo(ParseFailure.NOT_A_CALENDAR);
      assertThat(expected.get(file)).as("%s is not listed as not-a-calendar (%s)", file, e.getMessage())
          .isEqualTo("not-a-calendar");
      notACalendar.add(file);
      return;
    }
    assertThat(expected.get(file)).as("%s is listed as not-a-calendar but parses", file).isNotEqualTo("not-a-calendar");

    // the streaming entry, fed a few bytes at a time, sees the same events
    List<ParsedEvent> streamed = new ArrayList<>();
    assertTimeoutPreemptively(LIMIT, () -> parser.parse(new IcalParserTest.Trickle(body, 1000), streamed::add), file);
    assertThat(streamed).as(file).containsExactlyInAnyOrderElementsOf(ours.events());

    // strict mode either accepts or fails with a typed reason
    try {
      IcalParser.create(LENIENT.toBuilder().strict(true).build()).parse(body);
    } catch (ParseException e) {
      assertThat(e.failure()).isNotNull();
    }

    List<Ical4jReference.Key> reference;
    try {
      reference = assertTimeoutPreemptively(LIMIT, () -> Ical4jReference.read(body, FROM, TO, ZoneOffset.UTC), file);
    } catch (Exception | LinkageError e) {
      return; // ical4j cannot read it: nothing to compare
    }
    compared.add(file);
    List<Ical4jReference.Key> mine = ours.events().stream().map(Ical4jReference::of).toList();
    boolean same = new HashSet<>(mine).equals(new HashSet<>(reference)) && mine.size() == reference.size();
    if ("differs".equals(expected.get(file))) {
      assertThat(same).as("%s is listed as differing from ical4j but agrees: remove it from EXPECTATIONS.tsv", file)
          .isFalse();
      differing.add(file);
      return;
    }
    if (!same) {
      List<Ical4jReference.Key> onlyIcal4j = new ArrayList<>(reference);
      onlyIcal4j.removeAll(new HashSet<>(mine));
      List<Ical4jReference.Key> onlyOurs = new ArrayList<>(mine);
      onlyOurs.removeAll(new HashSet<>(reference));
      fail(file + " disagrees with ical4j (" + reference.size() + " vs " + mine.size() + " events)\n only ical4j: "
          + onlyIcal4j.stream().limit(5).toList() + "\n only ours: " + onlyOurs.stream().limit(5).toList());
    }
  }

  @AfterAll
  void summary() {
    // every listed expectation was met by a run of its file (unless the run was filtered)
    if (compared.size() + notACalendar.size() > 100) {
      for (Map.Entry<String, String> e : expected.entrySet()) {
        Set<String> met = e.getValue().equals("not-a-calendar") ? notACalendar : differing;
        assertThat(met).as("listed %s: %s", e.getValue(), e.getKey()).contains(e.getKey());
      }
      assertThat(compared.size()).as("files compared with ical4j").isGreaterThan(100);
    }
  }
}
