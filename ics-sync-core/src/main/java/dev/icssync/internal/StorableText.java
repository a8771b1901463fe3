package dev.icssync.internal;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Makes text from a feed storable in every store before it reaches one. PostgreSQL rejects NUL
 * ({@code 0x00}, SQL state 22021) anywhere in {@code text}, and a lone UTF-16 surrogate is not
 * Unicode, so no UTF-8 database can hold it (drivers either fail or turn it into {@code ?}, which
 * would merge two keys); a key longer than an index entry may be (about 2.7 KB in a PostgreSQL
 * b-tree) fails the insert. Without this, one such event failed the apply of its whole feed, every
 * poll, and the feed's new bookings were never imported.
 *
 * <p>Keys ({@link #key}: UID, recurrence id) must keep identity: the same raw value always gives
 * the same key, two different raw values never one key. So a storable key stays exactly as it is
 * (what is already stored keeps its identity), and any other one becomes {@link #MAPPED_PREFIX},
 * the SHA-256 of its UTF-16 code units, {@code ':'} and its first characters made storable (for a
 * human reading the store). A raw value that itself starts with the prefix is mapped too, so a feed
 * cannot make one UID's key out of another's.
 *
 * <p>Free text ({@link #text}: summary, error messages) has no identity to keep: NUL and lone
 * surrogates become U+FFFD.
 */
public final class StorableText {
  /** Start of every mapped key; no storable key is stored with it as is. */
  public static final String MAPPED_PREFIX = "ics-sync-key:";

  /** Longest key kept as it is, in UTF-8 bytes: well inside an index entry with the other columns. */
  static final int MAX_KEY_BYTES = 512;

  /** Characters of the raw value kept (made storable) after the hash of a mapped key. */
  static final int HEAD_CHARS = 48;

  private StorableText() {}

  /** The key under which {@code raw} is stored: {@code raw} itself whenever it can be. */
  public static String key(String raw) {
    if (isStorable(raw) && !raw.startsWith(MAPPED_PREFIX) && fitsAKey(raw)) {
      return raw;
    }
    byte[] units = new byte[raw.length() * 2];
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      units[2 * i] = (byte) (c >>> 8);
      units[2 * i + 1] = (byte) c;
    }
    String head = raw.length() > HEAD_CHARS ? raw.substring(0, HEAD_CHARS) : raw;
    return MAPPED_PREFIX + Digests.sha256Hex(units) + ':' + text(head);
  }

  /** {@code raw} with every NUL and lone surrogate replaced by U+FFFD; {@code raw} itself when clean. */
  public static String text(String raw) {
    if (isStorable(raw)) {
      return raw;
    }
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
        sb.append(c).append(raw.charAt(++i));
      } else if (c == 0 || Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** {@link #text} of a value that may be null. */
  public static @Nullable String textOrNull(@Nullable String raw) {
    return raw == null ? null : text(raw);
  }

  /** True when {@code s} holds no NUL and no lone surrogate. */
  public static boolean isStorable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  private static boolean fitsAKey(String s) {
    // a char is at most 3 UTF-8 bytes (a pair of surrogates 4 for 2): short strings need no encoding
    return s.length() * 3 <= MAX_KEY_BYTES || s.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES;
  }
}
