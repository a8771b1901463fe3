package dev.icssync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated metadata gives IDEs every property with its description and default. */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyIsDescribedUnderOnePrefix() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("spring-boot-configuration-processor ran").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    Map<String, JsonNode> byName = new HashMap<>();
    List<String> undescribed = new ArrayList<>();
    for (JsonNode p : metadata.get("properties")) {
      String name = p.get("name").asText();
      byName.put(name, p);
      assertThat(name).startsWith(IcsSyncProperties.PREFIX + ".");
      if (!p.hasNonNull("description") || p.get("description").asText().isBlank()) {
        undescribed.add(name);
      }
    }
    assertThat(undescribed).isEmpty();
    assertThat(byName).containsKeys("ics-sync.store.migrate", "ics-sync.fetcher.allowed-hosts",
        "ics-sync.sync.source-priority", "ics-sync.cache.export-ttl", "ics-sync.redis.uri",
        "ics-sync.scheduler.enabled", "ics-sync.export.path", "ics-sync.metrics.tenant-tag",
        "ics-sync.health.degraded-status");
    assertThat(byName.get("ics-sync.fetcher.timeout").get("defaultValue").asText()).isEqualTo("60s");
    assertThat(byName.get("ics-sync.export.path").get("defaultValue").asText()).isEqualTo("/ics");
    assertThat(byName.get("ics-sync.store.migrate").get("defaultValue").asBoolean()).isTrue();
  }
}
