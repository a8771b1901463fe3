package dev.icssync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.spi.FeedStore;
import dev.icssync.spi.PurgeHook;
import dev.icssync.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Export tokens resolved from memory: the store is not read again while its token revision stays
 * the same, and every revocation, rotation, expiry or vanished property is still refused on the
 * very next resolution, whoever wrote it.
 */
class ExportTokensMemoryTest {
  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private static final String TENANT = "t1";
  private static final String PROPERTY = "villa-7";

  private Instant now = NOW;
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final Store store = Store.inMemory();
  private final AtomicInteger lookups = new AtomicInteger();
  /** The in-memory store, counting the token lookups that reach it. */
  private final FeedStore counted = counting(store, true);
  private final ExportTokens tokens = ExportTokens.create(counted, clock, PurgeHook.none());

  ExportTokensMemoryTest() {
    store.saveFeed(Feed.builder(TENANT, "airbnb-1").property(PROPERTY).source("airbnb").url("https://example.com/a.ics").build());
    store.saveFeed(Feed.builder("t2", "airbnb-2").property(PROPERTY).source("airbnb").url("https://example.com/b.ics").build());
  }

  @Test
  void aResolvedTokenIsNotLookedUpAgainWhileNothingChanged() {
    String t = tokens.create(TENANT, PROPERTY, "airbnb").token();
    assertThat(tokens.resolve(t)).isPresent();
    int first = lookups.get();
    for (int i = 0; i < 5; i++) {
      assertThat(tokens.resolve(t)).get().extracting(ExportToken::tenant).isEqualTo(TENANT);
    }
    assertThat(lookups.get()).isEqualTo(first);
  }

  @Test
  void resolveIfRememberedAnswersFromMemoryOnlyAndNeverReadsTheStore() {
    String t = tokens.create(TENANT, PROPERTY, "airbnb").token();
    int before = lookups.get();
    assertThat(tokens.resolveIfRemembered(t)).isEmpty(); // never resolved: not known
    assertThat(tokens.resolveIfRemembered("not a token")).isEmpty();
    assertThat(lookups.get()).isEqualTo(before);
    assertThat(tokens.resolve(t)).isPresent();
    int resolved = lookups.get();
    assertThat(tokens.resolveIfRemembered(t)).get().extracting(ExportToken::tenant).isEqualTo(TENANT);
    now = NOW.plus(Duration.ofDays(3650));
    assertThat(tokens.resolveIfRemembered(t)).isPresent(); // no expiry set
    now = NOW;
    ExportTokens other = ExportTokens.create(store, clock, PurgeHook.none());
    assertThat(other.revoke(TENANT, PROPERTY, "airbnb")).isEqualTo(1);
    assertThat(tokens.resolveIfRemembered(t)).isEmpty(); // the revision moved
    assertThat(lookups.get()).isEqualTo(resolved);
  }

  @Test
  void aRememberedTokenIsNotHashedAgainYetARevocationIsRefusedOnTheNextResolution() {
    String t = tokens.create(TENANT, PROPERTY, "airbnb").token();
    assertThat(tokens.resolve(t)).isPresent();
    long hashed = tokens.digestsComputed();
    for (int i = 0; i < 5; i++) {
      assertThat(tokens.resolveIfRemembered(t)).isPresent();
      assertThat(tokens.resolve(t)).isPresent();
    }
    assertThat(tokens.digestsComputed()).isEqualTo(hashed);

    ExportTokens other = ExportTokens.create(store, clock, PurgeHook.none());
    assertThat(other.revoke(TENANT, PROPERTY, "airbnb")).isEqualTo(1);
    assertThat(tokens.resolveIfRemembered(t)).isEmpty();
    assertThat(tokens.resolve(t)).isEmpty();
  }

  @Test
  void aSecretNeverResolvedIsNotHashedByResolveIfRemembered() {
    String t = tokens.create(TENANT, PROPERTY, "airbnb").token();
    long hashed = tokens.digestsComputed();
    assertThat(tokens.resolveIfRemembered(t)).isEmpty();
    assertThat(tokens.resolveIfRemembered("A".repeat(ExportTokens.TOKEN_LENGTH))).isEmpty();
    assertThat(tokens.digestsComputed()).isEqualTo(hashed);
  }

  @Test
  void resolveIfRememberedIsEmptyForATokenPastItsGrace() {
    String old = tokens.create(TENANT, PROPERTY, "airbnb").token();
    tokens.rotate(TENANT, PROPERTY, "airbnb", Duration.ofHours(1));
    assertThat(tokens.resolve(old)).isPresent();
    assertThat(tokens.resolveIfRemembered(old)).isPresent();
    now = NOW.plus(Duration.ofHours(1)); // only the clock moves
    assertThat(tokens.resolveIfRemembered(old)).isEmpty();
  }

  @Test
  void resolveIfRememberedIsAlwaysEmptyForAStoreWithoutARevision() {
    ExportTokens unrevised = ExportTokens.create(counting(store, false), clock, PurgeHook.none());
    String t = unrevised.create(TENANT, PROPERTY, "airbnb").token();
    assertThat(unrevised.resolve(t)).isPresent();
    assertThat(unrevised.resolveIfRemembered(t)).isEmpty();
  }

  @Test
  void aRevocationThroughAnotherExportTokensIsRefusedOnTheNextResolution() {
    String t = tokens.create(TENANT, PROPERTY, "airbnb").token();
    assertThat(tokens.resolve(t)).isPresent();
    ExportTokens other = ExportTokens.create(store, clock, PurgeHook.none()); // as a second IcsSync would
    assertThat(other.revoke(TENANT, PROPERTY, "airbnb")).isEqualTo(1);
    assertThat(tokens.resolve(t)).isEmpty();
  }

  @Test
  void aRevocationWrittenStraightIntoTheStoreIsRefusedOnTheNextResolution() {
    ExportTokens.Issued t = tokens.create(TENANT, PROPERTY, "airbnb");
    assertThat(tokens.resolve(t.token())).isPresent();
    ExportToken s = t.stored();
    store.saveToken(new ExportToken(s.hash(), s.tenant(), s.property(), s.channel(), s.createdAt(), null, now));
    assertThat(tokens.resolve(t.token())).isEmpty();
  }

  @Test
  void rotationAndExpiryEndARememberedTokenOnTime() {
    String old = tokens.create(TENANT, PROPERTY, "airbnb").token();
    assertThat(tokens.resolve(old)).isPresent();
    String fresh = tokens.rotate(TENANT, PROPERTY, "airbnb", Duration.ofHours(1)).token();
    assertThat(tokens.resolve(old)).isPresent();
    assertThat(tokens.resolve(fresh)).isPresent();
    now = NOW.plus(Duration.ofHours(1)); // no write: only the clock moved
    assertThat(tokens.resolve(old)).isEmpty();
    assertThat(tokens.resolve(fresh)).isPresent();
    String third = tokens.rotate(TENANT, PROPERTY, "airbnb", Duration.ZERO).token();
    assertThat(tokens.resolve(fresh)).isEmpty();
    assertThat(tokens.resolve(third)).isPresent();
  }

  @Test
  void aTokenOpensOnlyItsOwnTenantAndPropertyWhateverIsRemembered() {
    String mine = tokens.create(TENANT, PROPERTY, "airbnb").token();
    String theirs = tokens.create("t2", PROPERTY, "airbnb").token();
    String otherProperty = tokens.create(TENANT, "villa-8", "airbnb").token(); // no such property
    for (int i = 0; i < 3; i++) {
      assertThat(tokens.resolve(mine)).get().extracting(ExportToken::tenant).isEqualTo(TENANT);
      assertThat(tokens.resolve(theirs)).get().extracting(ExportToken::tenant).isEqualTo("t2");
      assertThat(tokens.resolve(otherProperty)).isEmpty();
    }
  }

  @Test
  void aPropertyThatVanishesClosesItsRememberedTokens() {
    String t = tokens.create(TENANT, PROPERTY, "airbnb").token();
    assertThat(tokens.resolve(t)).isPresent();
    // its only feed moves to another property: nothing of villa-7 is left
    store.saveFeed(Feed.builder(TENANT, "airbnb-1").property("villa-9").source("airbnb").url("https://example.com/a.ics").build());
    assertThat(tokens.resolve(t)).isEmpty();
  }

  @Test
  void aStoreWithoutARevisionIsReadOnEveryResolution() {
    ExportTokens database = ExportTokens.create(counting(store, false), clock, PurgeHook.none());
    ExportTokens.Issued t = database.create(TENANT, PROPERTY, "airbnb");
    assertThat(database.resolve(t.token())).isPresent();
    int first = lookups.get();
    assertThat(database.resolve(t.token())).isPresent();
    assertThat(lookups.get()).isEqualTo(first + 1);
    // another process revokes it in the database: refused at once
    ExportToken s = t.stored();
    store.saveToken(new ExportToken(s.hash(), s.tenant(), s.property(), s.channel(), s.createdAt(), null, now));
    assertThat(database.resolve(t.token())).isEmpty();
    assertThat(database.rememberedCount()).isZero();
  }

  @Test
  void rememberedTokensAreBounded() {
    ExportTokens small = ExportTokens.create(counted, clock, PurgeHook.none(), 8);
    List<String> issued = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      issued.add(small.create(TENANT, PROPERTY, "airbnb").token());
    }
    for (String t : issued) {
      assertThat(small.resolve(t)).isPresent();
      assertThat(small.rememberedCount()).isLessThanOrEqualTo(8);
    }
    for (String t : issued) {
      assertThat(small.resolve(t)).isPresent();
    }
    assertThat(small.rememberedCount()).isBetween(1, 8);
  }

  /** {@code store} as a {@link FeedStore}, counting token lookups; with or without its revision. */
  private FeedStore counting(Store store, boolean revision) {
    return (FeedStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {FeedStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("tokenByHash")) {
            lookups.incrementAndGet();
          }
          if (method.getName().equals("tokenRevision") && !revision) {
            return OptionalLong.empty();
          }
          try {
            return method.invoke(store, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
