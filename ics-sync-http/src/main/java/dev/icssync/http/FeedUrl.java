package dev.icssync.http;

import dev.icssync.Redaction;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A feed URL ready to request: scheme http or https ({@code webcal}/{@code webcals} become https),
 * no user info and no fragment (credentials become a Basic authorization header), IP literal hosts in
 * canonical form. {@link #toString()} is redacted.
 *
 * @param uri what is sent (may contain a secret query string: never log it)
 * @param host canonical host (lower case; IP literals normalised)
 * @param authorization {@code Basic ...} from the URL's user info, or null
 */
record FeedUrl(URI uri, String host, @Nullable String authorization) {

  /** Why a URL cannot be requested; the message carries no secret. */
  static final class InvalidUrlException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidUrlException(String message) {
      super(message, null, false, false);
    }
  }

  static FeedUrl parse(String raw) throws InvalidUrlException {
    URI uri;
    String text = asciiHost(raw.trim());
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      try {
        text = escapeIllegal(text);
        uri = new URI(text);
      } catch (URISyntaxException e2) {
        throw new InvalidUrlException("malformed URL");
      }
    }
    return of(uri, text, true);
  }

  /** Resolves a redirect Location against this URL; user info in the Location is dropped. */
  FeedUrl resolve(String location) throws InvalidUrlException {
    URI target;
    try {
      target = uri.resolve(new URI(location.trim()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      try {
        target = uri.resolve(new URI(escapeIllegal(location.trim())));
      } catch (URISyntaxException | IllegalArgumentException e2) {
        throw new InvalidUrlException("malformed redirect location");
      }
    }
    return of(target, null, false);
  }

  /**
   * The URL to request from a parsed one; {@code text} is the string {@code uri} was parsed from, or
   * null. A feed's URL is parsed on every poll, a "not modified" one included, so when the canonical
   * form is that very string (lower-case host, no default port, no user info, ASCII: what nearly every
   * channel's URL is) its one parse is the result, not two more.
   */
  private static FeedUrl of(URI uri, @Nullable String text, boolean credentialsAllowed)
      throws InvalidUrlException {
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new InvalidUrlException("URL has no scheme");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "http", "https" -> { }
      case "webcal", "webcals" -> scheme = "https";
      default -> throw new InvalidUrlException("scheme not allowed: " + safeScheme(scheme));
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new InvalidUrlException("URL has no valid host");
    }
    String canonical;
    try {
      canonical = AddressClassifier.canonicalHost(host);
    } catch (UnknownHostException e) {
      throw new InvalidUrlException("invalid numeric host");
    }
    if (canonical.isEmpty()) {
      throw new InvalidUrlException("URL has no valid host");
    }
    String authorization = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && credentialsAllowed) {
      int colon = userInfo.indexOf(':');
      String user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
      String password = colon >= 0 ? userInfo.substring(colon + 1) : "";
      String pair = decode(user) + ":" + decode(password);
      authorization =
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    String hostPart = canonical.indexOf(':') >= 0 ? "[" + canonical + "]" : canonical;
    StringBuilder sb = new StringBuilder(scheme).append("://").append(hostPart);
    int port = uri.getPort();
    if (port == 0 || port > 65535) {
      throw new InvalidUrlException("port out of range");
    }
    if (port > 0 && !(port == 80 && scheme.equals("http")) && !(port == 443 && scheme.equals("https"))) {
      sb.append(':').append(port);
    }
    String path = uri.getRawPath();
    sb.append(path == null || path.isEmpty() ? "/" : path);
    if (uri.getRawQuery() != null) {
      sb.append('?').append(uri.getRawQuery());
    }
    if (text != null && text.contentEquals(sb) && isAscii(text)) {
      return new FeedUrl(uri, canonical, authorization);
    }
    try {
      // non-ASCII path or query characters (which URI tolerates) go out percent-encoded as UTF-8
      return new FeedUrl(new URI(new URI(sb.toString()).toASCIIString()), canonical, authorization);
    } catch (URISyntaxException e) {
      throw new InvalidUrlException("malformed URL");
    }
  }

  /** Converts an internationalised host name to its ASCII (punycode) form, which URI accepts. */
  static String asciiHost(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return url;
    }
    int start = scheme + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    int at = authority.lastIndexOf('@');
    String hostPort = authority.substring(at + 1);
    if (isAscii(hostPort) || hostPort.startsWith("[")) {
      return url;
    }
    int colon = hostPort.lastIndexOf(':');
    String host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
    String port = colon >= 0 ? hostPort.substring(colon) : "";
    try {
      String ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
      return url.substring(0, start) + authority.substring(0, at + 1) + ascii + port
          + url.substring(end);
    } catch (IllegalArgumentException e) {
      return url; // URI parsing then reports the URL as malformed
    }
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static String safeScheme(String scheme) {
    return scheme.length() > 16 || !scheme.matches("[a-z0-9+.-]+") ? "(unprintable)" : scheme;
  }

  /** Percent-encodes characters that real-world feed URLs carry but RFC 3986 forbids. */
  static String escapeIllegal(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  boolean isHttps() {
    return "https".equals(uri.getScheme());
  }

  /** Scheme, host and port: credentials are sent only within one origin. */
  String origin() {
    return uri.getScheme() + "://" + host + ":" + effectivePort();
  }

  int effectivePort() {
    int p = uri.getPort();
    return p > 0 ? p : (isHttps() ? 443 : 80);
  }

  /** The URL with its secrets masked ({@link Redaction#url}), for logs and reports. */
  String redacted() {
    return Redaction.url(uri.toString());
  }

  @Override
  public String toString() {
    return redacted();
  }
}
