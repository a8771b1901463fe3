package dev.icssync;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Removes secrets from URLs before they reach a log line, a report, an error, a metric or any output.
 *
 * <p>Channels put their secrets in several places of a feed URL: user info
 * ({@code https://user:pw@...}), the query ({@code ?s=...}, {@code ?t=...}, {@code &token=...}) and
 * the path (Google's {@code /private-<hex>/basic.ics}, Vrbo's {@code /icalendar/<hex>.ics}, Outlook's
 * {@code /owa/calendar/<id>@domain/<hex>/calendar.ics}, Hostaway's {@code /ical/<base62>/listings/...},
 * ics-sync's own {@code /export/<token>.ics}). One general rule, not a list of channels, covers them:
 *
 * <ul>
 *   <li>user info becomes {@code ***}; the fragment is dropped;
 *   <li>every query value is masked; a parameter name stays when it reads as a name;
 *   <li>in the path, every word (a run of {@code [A-Za-z0-9_-]}) that looks like a credential is
 *       masked: a UUID; a piece between {@code -}/{@code _} of 20 digits or more, or of 16 letters
 *       and digits or more, or of 8 or more that switches between letters and digits three times
 *       (hex); a word with both letter cases of 20 characters or more, of 16 with a digit, of 12
 *       that switches class (digit, lower, upper) at least every third character, or of 8 with
 *       fewer than a quarter vowels (base64 and base62 tokens: CamelCase words switch less often
 *       and have vowels); and whatever follows a {@code private-}, {@code secret-}, {@code token-}
 *       or {@code key-} label. The rest is the shape and stays: scheme, host, port, punctuation
 *       and escapes ({@code / . @ %40}), ordinary words, numeric ids, file names.
 * </ul>
 *
 * <p>A masked token is written {@code ***} followed by its last characters, at most 4 and at most a
 * quarter of the token: {@code https://www.vrbo.com/icalendar/***9f2c.ics}. The tail lets an operator
 * tell two feeds of one channel apart and match a line to the URL the channel's dashboard shows (the
 * convention of card numbers and API key listings), while three quarters or more of the secret stay
 * hidden; a stable hash would tell feeds apart too but could not be matched by eye.
 *
 * <p>Supported API: a host or an adapter that writes a feed URL anywhere (a log line, an error, a
 * metric tag, a report) passes it through {@link #url} first, as the library does.
 */
public final class Redaction {
  /** What replaces a secret; a tail of the secret may follow. */
  public static final String MASK = "***";

  private static final Pattern UUID =
      Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-\\[\\]]{0,31}");
  private static final String[] LABELS = {"private", "secret", "token", "key"};

  private Redaction() {}

  /**
   * {@code https://user:pw@host:8443/cal/private-0f3c...9a2b/basic.ics?t=Zx81...Qa#f} becomes
   * {@code https://***@host:8443/cal/private-***9a2b/basic.ics?t=***8kQa}. Never throws, whatever the
   * input; text without a path, query, fragment or user info comes back unchanged.
   */
  public static String url(@Nullable String url) {
    if (url == null) {
      return "null";
    }
    try {
      return redact(url);
    } catch (RuntimeException e) {
      return MASK; // never reached by any known input; a redaction must not fail open
    }
  }

  private static String redact(String url) {
    String s = url;
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    String query = null;
    int q = s.indexOf('?');
    if (q >= 0) {
      query = s.substring(q + 1);
      s = s.substring(0, q);
    }
    int scheme = s.indexOf("://");
    int authorityStart = scheme >= 0 ? scheme + 3 : 0;
    int slash = s.indexOf('/', authorityStart);
    int authorityEnd = slash >= 0 ? slash : s.length();
    StringBuilder out = new StringBuilder(url.length() + 8);
    int at = s.lastIndexOf('@', authorityEnd - 1);
    if (at >= authorityStart) {
      out.append(s, 0, authorityStart).append(MASK).append(s, at, authorityEnd);
    } else {
      out.append(s, 0, authorityEnd);
    }
    path(s, authorityEnd, out);
    if (query != null) {
      out.append('?').append(query(query));
    }
    return out.toString();
  }

  /** Copies {@code s} from {@code start}, masking credential-like words. */
  private static void path(String s, int start, StringBuilder out) {
    int i = start;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (isWordChar(c)) {
        int end = i;
        while (end < n && isWordChar(s.charAt(end))) {
          end++;
        }
        out.append(word(s.substring(i, end)));
        i = end;
      } else if (c == '%' && i + 2 < n && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        out.append(s, i, i + 3); // an escape such as %40 is punctuation, not part of the next word
        i += 3;
      } else {
        out.append(c);
        i++;
      }
    }
  }

  /** Masks every query value; keeps names that read as names. */
  private static String query(String query) {
    StringBuilder out = new StringBuilder();
    for (String param : query.split("&", -1)) {
      if (param.isEmpty()) {
        continue;
      }
      if (out.length() > 0) {
        out.append('&');
      }
      int eq = param.indexOf('=');
      if (eq < 0) {
        out.append(mask(param));
        continue;
      }
      String name = param.substring(0, eq);
      out.append(NAME.matcher(name).matches() && !secretLike(name) ? name : MASK).append('=')
          .append(mask(param.substring(eq + 1)));
    }
    return out.length() == 0 ? MASK : out.toString();
  }

  /** One run of {@code [A-Za-z0-9_-]}: returned as is, or with its secret part masked. */
  private static String word(String w) {
    int sep = firstSeparator(w, 0);
    if (sep > 0 && sep < w.length() - 1 && isMarker(w.substring(0, sep))) {
      return w.substring(0, sep + 1) + mask(w.substring(sep + 1)); // private-..., token-...: shape
    }
    return secretLike(w) ? mask(w) : w;
  }

  /** {@code ***} and the token's last characters: at most 4, at most a quarter of it. */
  private static String mask(String token) {
    int tail = Math.min(4, token.length() / 4);
    return MASK + token.substring(token.length() - tail);
  }

  /** Whether a word (letters, digits, '-' and '_') looks like a credential. */
  static boolean secretLike(String w) {
    if (UUID.matcher(w).find()) {
      return true;
    }
    // the whole word: base64 tokens change class (digit, lower, upper) about every other
    // character, names and CamelCase words every fourth or fifth
    int alnum = 0;
    int vowels = 0;
    int upper = 0;
    int lower = 0;
    int changes = 0;
    int prev = -1;
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      int cls = c >= 'a' && c <= 'z' ? 1 : c >= 'A' && c <= 'Z' ? 2 : c >= '0' && c <= '9' ? 0 : -1;
      if (cls < 0) {
        continue;
      }
      alnum++;
      vowels += "aeiouAEIOU".indexOf(c) >= 0 ? 1 : 0;
      lower += cls == 1 ? 1 : 0;
      upper += cls == 2 ? 1 : 0;
      if (prev >= 0 && cls != prev) {
        changes++;
      }
      prev = cls;
    }
    int digits = alnum - upper - lower;
    if (upper > 0 && lower > 0 && (alnum >= 20 || alnum >= 16 && digits > 0
        || alnum >= 12 && changes * 3 >= alnum || alnum >= 8 && vowels * 4 < upper + lower)) {
      return true;
    }
    // each piece between '-' and '_': hex, long digit runs and letter/digit mixes
    int start = 0;
    for (int i = 0; i <= w.length(); i++) {
      if (i == w.length() || w.charAt(i) == '-' || w.charAt(i) == '_') {
        if (i > start && secretPiece(w, start, i)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static boolean secretPiece(String w, int from, int to) {
    int n = to - from;
    int digits = 0;
    int letters = 0;
    int changes = 0;
    int prev = -1;
    for (int i = from; i < to; i++) {
      char c = w.charAt(i);
      int cls = c >= '0' && c <= '9' ? 0 : 1; // letter and digit; case is the whole word's test
      if (cls == 0) {
        digits++;
      } else {
        letters++;
      }
      if (prev >= 0 && cls != prev) {
        changes++;
      }
      prev = cls;
    }
    if (letters == 0) {
      return n >= 20; // listing and calendar ids stay; a 20-digit number is a key
    }
    if (digits == 0) {
      return false; // words; mixed-case letter tokens are caught on the whole word
    }
    return (n >= 8 && changes >= 3) || n >= 16;
  }

  private static int firstSeparator(String w, int from) {
    for (int i = from; i < w.length(); i++) {
      if (w.charAt(i) == '-' || w.charAt(i) == '_') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isMarker(String label) {
    for (String l : LABELS) {
      if (l.equalsIgnoreCase(label)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '_';
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
