package dev.icssync.export;

import static dev.icssync.export.ExportFixture.NOW;
import static dev.icssync.export.ExportFixture.PROPERTY;
import static dev.icssync.export.ExportFixture.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportToken;
import dev.icssync.ExportTokens;
import dev.icssync.ExportView;
import dev.icssync.spi.PurgeHook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExportTokensTest {
  private final ExportFixture fx = new ExportFixture();
  private Instant now = NOW;
  private final List<Set<String>> purged = new ArrayList<>();
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final ExportTokens tokens = ExportTokens.create(fx.store, clock, (PurgeHook) purged::add);

  @Test
  void tokensAreLongRandomUrlSafeAndOnlyTheirHashIsStored() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ExportTokens.Issued t = tokens.create(TENANT, PROPERTY, "airbnb");
      assertThat(t.token()).matches("[A-Za-z0-9_-]{32}"); // 32 x 6 = 192 bits
      assertThat(seen.add(t.token())).isTrue();
      assertThat(t.stored().hash()).isEqualTo(ExportTokens.hash(t.token())).matches("[0-9a-f]{64}");
      assertThat(t.toString()).doesNotContain(t.token());
    }
    for (ExportToken stored : fx.store.tokens(TENANT, PROPERTY)) {
      assertThat(seen).doesNotContain(stored.hash());
      assertThat(stored.toString()).doesNotContain(stored.hash());
    }
  }

  @Test
  void resolveOpensTheViewItWasIssuedFor() {
    ExportTokens.Issued t = tokens.create(TENANT, PROPERTY, " Airbnb ");
    ExportToken found = tokens.resolve(t.token()).orElseThrow();
    assertThat(found.tenant()).isEqualTo(TENANT);
    assertThat(found.property()).isEqualTo(PROPERTY);
    assertThat(found.channel()).isEqualTo("airbnb");
    assertThat(tokens.create(TENANT, PROPERTY, null).stored().channel()).isNull();
  }

  @Test
  void malformedUnknownAndMissingPropertyTokensResolveToNothing() {
    String good = tokens.create(TENANT, PROPERTY, null).token();
    assertThat(tokens.resolve("")).isEmpty();
    assertThat(tokens.resolve(good.substring(1))).isEmpty();
    assertThat(tokens.resolve(good + "A")).isEmpty();
    assertThat(tokens.resolve(good.substring(1) + "%")).isEmpty();
    assertThat(tokens.resolve(good.substring(1) + (good.charAt(0) == 'A' ? "B" : "A"))).isEmpty();
    String orphan = tokens.create(TENANT, "sold-property", null).token();
    assertThat(tokens.resolve(orphan)).isEmpty();
    String otherTenant = tokens.create("t2", PROPERTY, null).token();
    assertThat(tokens.resolve(otherTenant)).isEmpty(); // t2 has no such property
  }

  @Test
  void rotationKeepsTheOldTokenOnlyForTheGracePeriod() {
    String old = tokens.create(TENANT, PROPERTY, "airbnb").token();
    String otherChannel = tokens.create(TENANT, PROPERTY, "booking").token();
    String fresh = tokens.rotate(TENANT, PROPERTY, "airbnb", Duration.ofHours(24)).token();

    now = NOW.plus(Duration.ofHours(23));
    assertThat(tokens.resolve(old)).isPresent();
    assertThat(tokens.resolve(fresh)).isPresent();
    now = NOW.plus(Duration.ofHours(24));
    assertThat(tokens.resolve(old)).isEmpty();
    assertThat(tokens.resolve(fresh)).isPresent();
    assertThat(tokens.resolve(otherChannel)).isPresent();

    String third = tokens.rotate(TENANT, PROPERTY, "airbnb", Duration.ZERO).token();
    assertThat(tokens.resolve(fresh)).isEmpty();
    assertThat(tokens.resolve(third)).isPresent();
    assertThat(purged).containsExactly(ExportView.surrogateKeys(TENANT, PROPERTY));
  }

  @Test
  void revokedTokensStayDeadAndPurgeTheCdn() {
    String a = tokens.create(TENANT, PROPERTY, "airbnb").token();
    String b = tokens.create(TENANT, PROPERTY, "booking").token();
    String c = tokens.create(TENANT, PROPERTY, null).token();
    assertThat(tokens.revoke(TENANT, PROPERTY, "airbnb")).isEqualTo(1);
    assertThat(tokens.resolve(a)).isEmpty();
    assertThat(tokens.resolve(b)).isPresent();
    assertThat(tokens.revoke(b)).isTrue();
    assertThat(tokens.revoke(b)).isFalse();
    assertThat(tokens.resolve(b)).isEmpty();
    assertThat(tokens.revokeAll(TENANT, PROPERTY)).isEqualTo(1);
    assertThat(tokens.resolve(c)).isEmpty();
    assertThat(purged).hasSize(3).allMatch(k -> k.equals(ExportView.surrogateKeys(TENANT, PROPERTY)));
    // a rotation must not bring a revoked token back to life
    tokens.rotate(TENANT, PROPERTY, "airbnb", Duration.ofDays(1));
    assertThat(tokens.resolve(a)).isEmpty();
  }

  @Test
  void aListedTokenCanBeRevokedWithoutItsSecret() {
    ExportTokens.Issued a = tokens.create(TENANT, PROPERTY, "airbnb");
    String b = tokens.create(TENANT, PROPERTY, "airbnb").token();
    ExportToken listed = tokens.list(TENANT, PROPERTY).stream()
        .filter(t -> t.hash().equals(a.stored().hash())).findFirst().orElseThrow();

    assertThat(tokens.revoke(listed)).isTrue();
    assertThat(tokens.resolve(a.token())).isEmpty();
    assertThat(tokens.resolve(b)).as("the other token of the view").isPresent();
    assertThat(purged).isNotEmpty();
    assertThat(tokens.revoke(listed)).as("already dead").isFalse();
  }

  @Test
  void icsSyncHandsOutTokensOnItsStoreAndClock() {
    String t = fx.sync().exportTokens().create(TENANT, PROPERTY, null).token();
    assertThat(tokens.resolve(t)).isPresent();
  }
}
