package dev.icssync.internal;

/** Removes secrets (user info, query string, fragment) from URLs before they reach a log or report. */
public final class Redaction {
  private Redaction() {}

  /**
   * {@code https://user:pw@host:8443/path/x.ics?t=secret#f} becomes
   * {@code https://***@host:8443/path/x.ics?***}. Never throws, whatever the input.
   */
  public static String url(String url) {
    if (url == null) {
      return "null";
    }
    String s = url;
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    String query = "";
    int q = s.indexOf('?');
    if (q >= 0) {
      s = s.substring(0, q);
      query = "?***";
    }
    int scheme = s.indexOf("://");
    int authorityStart = scheme >= 0 ? scheme + 3 : 0;
    int slash = s.indexOf('/', authorityStart);
    int authorityEnd = slash >= 0 ? slash : s.length();
    int at = s.lastIndexOf('@', authorityEnd - 1);
    if (at >= authorityStart) {
      s = s.substring(0, authorityStart) + "***@" + s.substring(at + 1);
    }
    return s + query;
  }
}
