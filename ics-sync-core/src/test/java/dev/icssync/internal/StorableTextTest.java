package dev.icssync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StorableTextTest {

  @Test
  void storableKeysAreKeptAsTheyAre() {
    for (String uid : List.of("abc@airbnb.com", "1418fb94e984-ba6d2dc4b3e8d1d2bc4a9a8e9c55ec5f@airbnb.com",
        "040000008200E00074C5B7101A82E00800000000", "Ünïcødé 😀 uid", "a\u0001b", "20260824T130000Z", "")) {
      assertThat(StorableText.key(uid)).isEqualTo(uid);
    }
  }

  @Test
  void unstorableKeysAreMappedStablyAndApart() {
    List<String> raw = List.of("a\u0000b", "a\u0000\u0000b", "ab", "a\uFFFDb", "a\uD800b", "a\uDC00b", "a\uD83Db",
        "\uDE00a", "a\uD83D", "x".repeat(513), "x".repeat(514), "é".repeat(257),
        StorableText.MAPPED_PREFIX + "abc", StorableText.key("a\u0000b"));
    Map<String, String> byKey = new HashMap<>();
    for (String r : raw) {
      String key = StorableText.key(r);
      assertThat(StorableText.key(r)).as("stable").isEqualTo(key);
      assertThat(StorableText.isStorable(key)).isTrue();
      assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(StorableText.MAX_KEY_BYTES);
      assertThat(byKey.put(key, r)).as("two raw values, one key: %s", key).isNull();
    }
    assertThat(StorableText.key("x".repeat(512))).isEqualTo("x".repeat(512));
    assertThat(StorableText.key("a\u0000b")).startsWith(StorableText.MAPPED_PREFIX).endsWith(":a\uFFFDb");
  }

  @Property
  void differentRawKeysNeverShareAStoredKey(@ForAll("raw") String a, @ForAll("raw") String b) {
    String ka = StorableText.key(a);
    assertThat(StorableText.isStorable(ka)).isTrue();
    assertThat(ka).isEqualTo(StorableText.key(a));
    if (!a.equals(b)) {
      assertThat(StorableText.key(b)).isNotEqualTo(ka);
    }
  }

  @Provide
  Arbitrary<String> raw() {
    // few characters, many of them troublesome, so that near-misses (a NUL vs nothing, a lone
    // surrogate vs its replacement, the prefix) are common
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars('a', '\u0000', '\uD83D', '\uDE00', '\uFFFD', ':', '?').ofMaxLength(6),
        Arbitraries.strings().withChars('a', '\u0000').ofMaxLength(4).map(s -> StorableText.MAPPED_PREFIX + s));
  }

  @Test
  void freeTextLosesOnlyWhatCannotBeStored() {
    assertThat(StorableText.text("Owner stay 😀")).isEqualTo("Owner stay 😀");
    assertThat(StorableText.text("Nul\u0000here")).isEqualTo("Nul\uFFFDhere");
    assertThat(StorableText.text("cut \uD83D")).isEqualTo("cut \uFFFD");
    assertThat(StorableText.text("\uDE00\uD83D\uDE00")).isEqualTo("\uFFFD\uD83D\uDE00");
    assertThat(StorableText.textOrNull(null)).isNull();
  }
}
