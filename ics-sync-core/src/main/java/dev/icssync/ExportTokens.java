package dev.icssync;

import dev.icssync.internal.Digests;
import dev.icssync.spi.FeedStore;
import dev.icssync.spi.PurgeHook;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Secret export tokens: the capability in an export URL ({@code https://host/export/<token>.ics}).
 * Obtain with {@link IcsSync#exportTokens()}. Thread-safe.
 *
 * <pre>{@code
 * ExportTokens tokens = sync.exportTokens();
 * ExportTokens.Issued issued = tokens.create("tenant-1", "villa-7", "airbnb");
 * String url = "https://cal.example.com/export/" + issued.token() + ".ics"; // give it to Airbnb
 * // later: a new URL, the old one keeps working for a day
 * ExportTokens.Issued next = tokens.rotate("tenant-1", "villa-7", "airbnb", Duration.ofDays(1));
 * }</pre>
 *
 * <ul>
 *   <li>A token is 192 random bits from {@link SecureRandom}, written as 32 URL-safe base64
 *       characters ({@code A-Z a-z 0-9 - _}).
 *   <li>Only the lower-case hex SHA-256 of the token is stored ({@link FeedStore#saveToken}); the
 *       token itself is shown once, in {@link Issued}, whose {@code toString()} hides it.
 *   <li>{@link #resolve} looks the hash up and compares it again with
 *       {@link MessageDigest#isEqual} (constant time), then checks expiry, revocation and that the
 *       property still exists. Every failure is the same empty answer.
 *   <li>Revoking tells the {@link PurgeHook} the property's surrogate key, so a CDN drops what it
 *       cached under the dead URL. A rotation grace period is not purged: the old URL keeps working
 *       until its grace ends, and a CDN may serve it for up to its {@code s-maxage} after that.
 *   <li>Revocation is immediate: the next {@link #resolve} of a revoked token is empty, whichever
 *       {@code ExportTokens} or process revoked it. Resolutions are kept in memory (at most
 *       {@value #MAX_REMEMBERED} tokens, by hash) only while the store's
 *       {@link FeedStore#tokenRevision()} stays the same, that is only for a store that sees every
 *       write (the in-memory one); a database store, which another process may write, is read on
 *       every resolution. Expiry is checked on every resolution. With such a store, the secrets of
 *       those tokens are kept in this process's memory too (never in the store, never logged), with
 *       their hashes, so that {@link #resolveIfRemembered} computes no SHA-256.
 * </ul>
 */
public final class ExportTokens {
  /** A grace period for {@link #rotate} that gives a channel a day to fetch from its new URL. */
  public static final Duration DEFAULT_ROTATION_GRACE = Duration.ofDays(1);

  /** Length of a token in characters. */
  public static final int TOKEN_LENGTH = 32;
  private static final int TOKEN_BYTES = 24;
  private static final HexFormat HEX = HexFormat.of();
  /** Resolved tokens kept in memory at most (see the class comment). */
  static final int MAX_REMEMBERED = 10_000;

  private final FeedStore store;
  private final Clock clock;
  private final PurgeHook purgeHook;
  private final SecureRandom random;
  private final int maxRemembered;
  /** By token hash: what it opened at a store revision. */
  private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();
  /**
   * By secret: the hash of a token this object resolved (only those, so that unknown secrets cannot
   * fill it), kept so that {@link #resolveIfRemembered} hashes nothing. A pure function of the
   * secret, so it is never stale: what the hash opens is still checked against the store's revision
   * and the clock on every resolution.
   */
  private final ConcurrentHashMap<String, String> hashes = new ConcurrentHashMap<>();
  /** SHA-256 computations so far (tests: a remembered resolution computes none). */
  private final java.util.concurrent.atomic.LongAdder digests = new java.util.concurrent.atomic.LongAdder();

  private record Remembered(Optional<ExportToken> token, long revision) {}

  private ExportTokens(FeedStore store, Clock clock, PurgeHook purgeHook, SecureRandom random, int maxRemembered) {
    this.store = store;
    this.clock = clock;
    this.purgeHook = purgeHook;
    this.random = random;
    this.maxRemembered = maxRemembered;
  }

  /** Tokens kept in {@code store}, timed by {@code clock}; revocations purge through {@code purgeHook}. */
  public static ExportTokens create(FeedStore store, Clock clock, PurgeHook purgeHook) {
    return new ExportTokens(Objects.requireNonNull(store, "store"), Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(purgeHook, "purgeHook"), new SecureRandom(), MAX_REMEMBERED);
  }

  /** {@link #create} remembering at most {@code maxRemembered} resolutions (tests). */
  static ExportTokens create(FeedStore store, Clock clock, PurgeHook purgeHook, int maxRemembered) {
    return new ExportTokens(store, clock, purgeHook, new SecureRandom(), maxRemembered);
  }

  /**
   * A newly issued token. {@link #token()} is the secret to put in the URL: it is not stored
   * anywhere, so hand it over now. {@code toString()} does not show it.
   *
   * @param token the secret
   * @param stored what was stored (its hash, tenant, property, channel)
   */
  public record Issued(String token, ExportToken stored) {
    public Issued {
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(stored, "stored");
    }

    @Override
    public String toString() {
      return "Issued[token=***, stored=" + stored + "]";
    }
  }

  /**
   * Issues a token for the export of {@code property} for {@code channel} (null: the merged view of
   * every source). Other tokens of the same view keep working.
   */
  public Issued create(String tenant, String property, @Nullable String channel) {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(property, "property");
    String normalizedChannel = normalizeChannel(channel);
    byte[] raw = new byte[TOKEN_BYTES];
    random.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    ExportToken stored = new ExportToken(hash(token), tenant, property, normalizedChannel,
        clock.instant(), null, null);
    store.saveToken(stored);
    return new Issued(token, stored);
  }

  /**
   * Issues a new token for the view and lets the view's other valid tokens expire after
   * {@code grace} (zero: at once). A token already due to expire sooner keeps its earlier end.
   */
  public Issued rotate(String tenant, String property, @Nullable String channel, Duration grace) {
    Checks.nonNegative(grace, "grace");
    Instant now = clock.instant();
    Instant end = now.plus(grace);
    String normalizedChannel = normalizeChannel(channel);
    for (ExportToken t : store.tokens(tenant, property)) {
      if (Objects.equals(t.channel(), normalizedChannel) && t.isValidAt(now)
          && (t.expiresAt() == null || t.expiresAt().isAfter(end))) {
        store.saveToken(new ExportToken(t.hash(), t.tenant(), t.property(), t.channel(), t.createdAt(),
            end, null));
      }
    }
    Issued issued = create(tenant, property, normalizedChannel);
    if (grace.isZero()) {
      purgeHook.purge(ExportView.surrogateKeys(tenant, property));
    }
    return issued;
  }

  /**
   * Revokes every valid token of the view; returns how many. {@code channel} null revokes the
   * merged view's tokens only.
   */
  public int revoke(String tenant, String property, @Nullable String channel) {
    String normalizedChannel = normalizeChannel(channel);
    Instant now = clock.instant();
    int n = 0;
    for (ExportToken t : store.tokens(tenant, property)) {
      if (Objects.equals(t.channel(), normalizedChannel) && t.isValidAt(now)) {
        store.saveToken(revoked(t, now));
        n++;
      }
    }
    if (n > 0) {
      purgeHook.purge(ExportView.surrogateKeys(tenant, property));
    }
    return n;
  }

  /** Revokes every valid token of the property, whatever its channel; returns how many. */
  public int revokeAll(String tenant, String property) {
    Instant now = clock.instant();
    int n = 0;
    for (ExportToken t : store.tokens(tenant, property)) {
      if (t.isValidAt(now)) {
        store.saveToken(revoked(t, now));
        n++;
      }
    }
    if (n > 0) {
      purgeHook.purge(ExportView.surrogateKeys(tenant, property));
    }
    return n;
  }

  /**
   * Revokes one stored token, as {@link #list} returns it (an operator who has only the listing, not
   * the secret); false when it is unknown or already dead.
   */
  public boolean revoke(ExportToken stored) {
    Objects.requireNonNull(stored, "stored");
    Instant now = clock.instant();
    for (ExportToken t : store.tokens(stored.tenant(), stored.property())) {
      if (t.hash().equals(stored.hash()) && t.isValidAt(now)) {
        store.saveToken(revoked(t, now));
        purgeHook.purge(ExportView.surrogateKeys(t.tenant(), t.property()));
        return true;
      }
    }
    return false;
  }

  /** Revokes one token given its secret; false when it is unknown or already dead. */
  public boolean revoke(String token) {
    Optional<ExportToken> t = resolve(token);
    if (t.isEmpty()) {
      return false;
    }
    store.saveToken(revoked(t.get(), clock.instant()));
    purgeHook.purge(ExportView.surrogateKeys(t.get().tenant(), t.get().property()));
    return true;
  }

  /**
   * The stored token a secret opens, or empty when the secret is malformed, unknown, expired,
   * revoked, or its property no longer exists (neither settings nor feeds). Callers must answer
   * every empty result the same way.
   */
  public Optional<ExportToken> resolve(String token) {
    if (!isWellFormed(token)) {
      return Optional.empty();
    }
    String known = hashes.get(token);
    String hash = known != null ? known : HEX.formatHex(countedDigest(token));
    // read before the store: a write after this read changes the revision, so what is read below
    // is never remembered as newer than it is
    OptionalLong revision = store.tokenRevision();
    if (revision.isPresent()) {
      Remembered hit = remembered.get(hash);
      if (hit != null) {
        if (hit.revision() == revision.getAsLong()) {
          return hit.token().get().isValidAt(clock.instant()) ? hit.token() : Optional.empty();
        }
        remembered.remove(hash, hit);
      }
    }
    Optional<ExportToken> found = store.tokenByHash(hash);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ExportToken t = found.get();
    byte[] stored = t.hash().length() == 64 && isHex(t.hash()) ? HEX.parseHex(t.hash()) : new byte[32];
    // A store may look hashes up by prefix or case-insensitively; trust only an exact match.
    if (!MessageDigest.isEqual(HEX.parseHex(hash), stored) || !t.isValidAt(clock.instant())) {
      return Optional.empty();
    }
    if (!propertyExists(t.tenant(), t.property())) {
      return Optional.empty();
    }
    if (revision.isPresent()) {
      remember(token, hash, new Remembered(found, revision.getAsLong()));
    }
    return found;
  }

  /**
   * The stored token a secret opens, answered from memory only: present when this object resolved
   * the secret before, the store's {@link FeedStore#tokenRevision()} has not moved since (so no
   * token, feed or property was written meanwhile, a revocation included) and the token is still
   * valid by the clock. Empty in every other case, a refusal included: then call {@link #resolve},
   * which reads the store. Never reads the store beyond its revision, so a server may call it where
   * it must not block (an I/O thread). Always empty for a store that cannot tell its revision.
   */
  public Optional<ExportToken> resolveIfRemembered(String token) {
    if (!isWellFormed(token)) {
      return Optional.empty();
    }
    // a secret this object never resolved (or no longer holds) has nothing remembered: no hash needed
    String hash = hashes.get(token);
    if (hash == null) {
      return Optional.empty();
    }
    OptionalLong revision = store.tokenRevision();
    if (revision.isEmpty()) {
      return Optional.empty();
    }
    Remembered hit = remembered.get(hash);
    if (hit == null || hit.revision() != revision.getAsLong() || hit.token().isEmpty()) {
      return Optional.empty();
    }
    return hit.token().get().isValidAt(clock.instant()) ? hit.token() : Optional.empty();
  }

  private void remember(String token, String hash, Remembered r) {
    // bounded: beyond the cap an arbitrary entry goes (it is read from the store again when asked)
    while (remembered.size() >= maxRemembered) {
      java.util.Iterator<String> it = remembered.keySet().iterator();
      if (!it.hasNext()) {
        break;
      }
      remembered.remove(it.next());
    }
    remembered.put(hash, r);
    while (hashes.size() >= maxRemembered) {
      java.util.Iterator<String> it = hashes.keySet().iterator();
      if (!it.hasNext()) {
        break;
      }
      hashes.remove(it.next());
    }
    hashes.put(token, hash);
  }

  /** SHA-256 computations of token secrets so far (tests). */
  long digestsComputed() {
    return digests.sum();
  }

  private byte[] countedDigest(String token) {
    digests.increment();
    return digest(token);
  }

  /** Resolutions held in memory now (tests). */
  int rememberedCount() {
    return remembered.size();
  }

  /** The tokens stored for a property (hashes only), newest first. */
  public List<ExportToken> list(String tenant, String property) {
    return store.tokens(tenant, property);
  }

  /** True when {@code token} has the shape of a token (length and alphabet); says nothing of validity. */
  public static boolean isWellFormed(@Nullable String token) {
    if (token == null || token.length() != TOKEN_LENGTH) {
      return false;
    }
    for (int i = 0; i < TOKEN_LENGTH; i++) {
      char c = token.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The stored form of a token: lower-case hex SHA-256 of its UTF-8 bytes. */
  public static String hash(String token) {
    return HEX.formatHex(digest(token));
  }

  private static byte[] digest(String token) {
    return Digests.sha256().digest(token.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private boolean propertyExists(String tenant, String property) {
    if (store.property(tenant, property).isPresent()) {
      return true;
    }
    for (Feed f : store.feeds(tenant)) {
      if (f.property().equals(property)) {
        return true;
      }
    }
    return false;
  }

  private static ExportToken revoked(ExportToken t, Instant now) {
    return new ExportToken(t.hash(), t.tenant(), t.property(), t.channel(), t.createdAt(), t.expiresAt(), now);
  }

  private static @Nullable String normalizeChannel(@Nullable String channel) {
    if (channel == null) {
      return null;
    }
    if (channel.isBlank()) {
      throw new IllegalArgumentException("channel must not be blank (use null for every source)");
    }
    return channel.trim().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "ExportTokens[" + store + "]";
  }
}
