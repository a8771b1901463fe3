package dev.icssync.http;

import dev.icssync.FailureReason;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Follows redirects one hop at a time for one fetch: at most {@code maxRedirects} hops, no loops, no
 * https to http downgrade, only http(s) targets; and tracks the chain of permanent (301/308) hops
 * from the original URL, whose end is reported so the host can update the stored URL.
 */
final class RedirectPolicy {

  /** The decision about one redirect. */
  sealed interface Step {}

  /** Follow the redirect to {@code url}. */
  record Follow(FeedUrl url) implements Step {}

  /** Why a redirect cannot be followed. */
  record Refusal(FailureReason reason, String message) implements Step {}

  private final int maxRedirects;
  private final FeedUrl start;
  /** The URLs of the chain so far, made at the first redirect (most fetches have none). */
  private @Nullable Set<String> visited;
  private int hops;
  private boolean permanentSoFar = true;
  private @Nullable FeedUrl permanentTarget;

  RedirectPolicy(int maxRedirects, FeedUrl start) {
    this.maxRedirects = maxRedirects;
    this.start = start;
  }

  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /**
   * Decides the next hop.
   *
   * @return the next URL, or a refusal
   */
  Step next(FeedUrl current, int status, @Nullable String location) {
    if (location == null || location.isBlank()) {
      return new Refusal(FailureReason.REDIRECT, "HTTP " + status + " without a Location header");
    }
    if (hops >= maxRedirects) {
      return new Refusal(
          FailureReason.REDIRECT, "more than " + maxRedirects + " redirects (last from " + current + ")");
    }
    FeedUrl next;
    try {
      next = current.resolve(location);
    } catch (FeedUrl.InvalidUrlException e) {
      return new Refusal(FailureReason.REFUSED, "redirect from " + current + ": " + e.getMessage());
    }
    if (current.isHttps() && !next.isHttps()) {
      return new Refusal(
          FailureReason.REDIRECT, "https to http downgrade refused: " + current + " -> " + next);
    }
    Set<String> seen = visited;
    if (seen == null) {
      seen = new HashSet<>();
      seen.add(start.uri().toString());
      visited = seen;
    }
    if (!seen.add(next.uri().toString())) {
      return new Refusal(FailureReason.REDIRECT, "redirect loop at " + next);
    }
    hops++;
    if (permanentSoFar && (status == 301 || status == 308)) {
      permanentTarget = next;
    } else {
      permanentSoFar = false;
    }
    return new Follow(next);
  }

  int hops() {
    return hops;
  }

  /** The redacted end of the leading chain of permanent redirects, or null. */
  @Nullable String permanentRedirect() {
    return permanentTarget == null ? null : permanentTarget.redacted();
  }
}
