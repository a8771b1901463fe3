package dev.icssync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first sync of a 100,000-event feed fits in a 96 MB heap: the load test's memory part (a child
 * JVM fetching from a local feed server into real PostgreSQL) under {@code -Xmx96m}. It ran out of
 * memory while the engine still held the body, the parse result, the stored snapshot and the diff
 * during conflict detection, which reads every event of the property again. Proven by the child's
 * success and the stored rows, not by timing. Tagged slow as well (about 20 s on two busy cores:
 * the feed, a fresh database and the child JVM); the {@code unit} profile leaves it out.
 */
@Tag("postgres")
@Tag("slow")
class BigFeedMemoryTest {

  @Test
  @SuppressWarnings("unchecked")
  void firstSyncOfA100000EventFeedSucceedsIn96Mb(@TempDir Path out) throws Exception {
    LoadOptions o = LoadOptions.parse("--quick", "--parts", "memory", "--memory-events", "100000",
        "--memory-heap", "96m", "--out", out.toString());
    LoadTest.Result r = LoadTest.run(o, "--quick");

    Map<String, Object> memory = (Map<String, Object>) r.tree().get("memory");
    assertThat(memory.get("outcome")).as("%s", memory).isEqualTo("APPLIED");
    assertThat(memory.get("success")).as("%s", memory).isEqualTo(true);
    assertThat(memory.get("storedEvents")).isEqualTo(100_000L);
  }
}
