package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** {@code --log-format json}: one JSON object per line, key-value pairs as fields, levels honoured. */
class JsonLogProviderTest {

  @Test
  void eachEventIsOneJsonLineWithItsKeyValuePairsAsFields() throws Exception {
    JsonLogProvider provider = new JsonLogProvider();
    provider.initialize();
    String key = "org.slf4j.simpleLogger.log.test.quiet";
    System.setProperty(key, "warn");
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      Logger sync = provider.getLoggerFactory().getLogger(SyncLog.LOGGER);
      sync.atInfo().addKeyValue("tenant", "acme").addKeyValue("total_ms", 12L).log("sync applied");
      sync.warn("feed {} failed", "f1", new IllegalStateException("boom\nsecond line"));
      Logger quiet = provider.getLoggerFactory().getLogger("test.quiet.child");
      quiet.info("not written");
      quiet.warn("written");
    } finally {
      System.setErr(saved);
      System.clearProperty(key);
    }
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(3);
    ObjectMapper m = new ObjectMapper();
    JsonNode first = m.readTree(lines.get(0));
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("logger").asText()).isEqualTo(SyncLog.LOGGER);
    assertThat(first.get("msg").asText()).isEqualTo("sync applied");
    assertThat(first.get("tenant").asText()).isEqualTo("acme");
    assertThat(first.get("total_ms").isIntegralNumber()).isTrue();
    assertThat(first.get("ts").asText()).endsWith("Z");
    JsonNode second = m.readTree(lines.get(1));
    assertThat(second.get("msg").asText()).isEqualTo("feed f1 failed");
    assertThat(second.get("error").asText()).contains("IllegalStateException: boom", "second line");
    assertThat(m.readTree(lines.get(2)).get("msg").asText()).isEqualTo("written");
  }
}
