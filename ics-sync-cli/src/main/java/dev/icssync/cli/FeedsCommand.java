package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.icssync.CalendarEvent;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.PropertySettings;
import dev.icssync.Redaction;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.Store;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync feeds add|list|remove}. */
@Command(mixinStandardHelpOptions = true, name = "feeds", description = "Add, list and remove feeds.",
    subcommands = {FeedsCommand.Add.class, FeedsCommand.ListFeeds.class, FeedsCommand.Remove.class})
final class FeedsCommand {

  /** The id of a feed: its source and a hash of tenant, property and URL (adding it again updates it). */
  static String feedId(String tenant, String property, String source, String url) {
    String s = source.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return s + "-" + sha256Hex(tenant + '\u0000' + property + '\u0000' + url).substring(0, 10);
  }

  /** Parses {@code PT15M}, {@code 15m}, {@code 2h}, {@code 90s} or {@code 1d}. */
  static Duration duration(String text) {
    return duration("--interval", text);
  }

  /**
   * The duration forms every duration option of the command takes: ISO-8601 ({@code pt15m}) or a
   * whole number with {@code s}, {@code m}, {@code h} or {@code d}; {@code t} trimmed and in lower
   * case. Throws a RuntimeException for anything else.
   */
  static Duration isoOrUnit(String t) {
    if (t.startsWith("p")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    }
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new NumberFormatException();
    };
  }

  /** As {@link #duration(String)}; a bad value is a usage error naming {@code flag}. */
  static Duration duration(String flag, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      return t.equals("0") ? Duration.ZERO : isoOrUnit(t);
    } catch (RuntimeException e) {
      throw new CliException(IcsSyncCli.USAGE, flag + " takes a duration like 15m, 2h or PT30M, not "
          + TerminalText.line(text));
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "add", description = "Add a feed (or update the one with the same tenant, property and URL); prints its id.")
  static final class Add implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
    @Option(names = "--property", required = true, paramLabel = "P") String property = "";
    @Option(names = "--source", required = true, paramLabel = "S",
        description = "airbnb, booking, vrbo, google, outlook, tripadvisor, or any name") String source = "";
    @Option(names = "--url", required = true, paramLabel = "U", description = "http(s) or webcal URL") String url = "";
    @Option(names = "--interval", paramLabel = "DURATION", description = "poll interval (default 15m)")
    @Nullable String interval;

    @Override
    public Integer call() {
      Duration every = interval == null ? Feed.DEFAULT_POLL_INTERVAL : duration(interval);
      if (every.isZero() || every.isNegative()) {
        throw new CliException(IcsSyncCli.USAGE, "--interval takes a positive duration like 15m, 2h or PT30M, not " + interval);
      }
      HttpFeedFetcher.urlProblem(url).ifPresent(problem -> {
        throw new CliException(IcsSyncCli.USAGE, "--url takes an http, https or webcal URL: " + problem + ": "
            + TerminalText.line(Redaction.url(url)));
      });
      try (Database d = db.open()) {
        Store store = d.store();
        String id = feedId(tenant, property, source, url);
        store.saveFeed(Feed.builder(tenant, id).property(property).source(source).url(url).pollInterval(every)
            .build());
        if (store.property(tenant, property).isEmpty()) {
          store.saveProperty(PropertySettings.defaults(tenant, property));
        }
        Objects.requireNonNull(spec).commandLine().getOut().println(id);
      }
      return IcsSyncCli.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "list", description = "List feeds (URLs redacted).")
  static final class ListFeeds implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", paramLabel = "T", description = "only this tenant's feeds") @Nullable String tenant;
    @Option(names = "--json", description = "print a JSON array") boolean json;

    @Override
    public Integer call() {
      PrintWriter out = Objects.requireNonNull(spec).commandLine().getOut();
      try (Database d = db.open()) {
        Store store = d.store();
        List<Feed> feeds = tenant == null ? store.allFeeds() : store.feeds(tenant);
        dev.icssync.SyncConfig config = d.config();
        int confirmations = config.quarantineConfirmations();
        if (json) {
          ArrayNode a = Json.array();
          feeds.forEach(f -> a.add(Json.feed(f, store.state(f.tenant(), f.id()), confirmations,
              config.quarantineMinSpan())));
          Json.print(out, a);
        } else if (feeds.isEmpty()) {
          out.println("no feeds");
        } else {
          out.printf("%-18s %-12s %-12s %-10s %-8s %-9s %s%n", "ID", "TENANT", "PROPERTY", "SOURCE", "INTERVAL",
              "STATE", "URL");
          for (Feed f : feeds) {
            FeedState s = store.state(f.tenant(), f.id());
            String state = !f.active() ? "inactive" : s.isQuarantined() ? "held" : s.consecutiveFailures() > 0
                ? "failing" : s.lastSuccess() == null ? "new" : "ok";
            out.printf("%-18s %-12s %-12s %-10s %-8s %-9s %s%n", TerminalText.line(f.id()),
                TerminalText.line(f.tenant()), TerminalText.line(f.property()), TerminalText.line(f.source()),
                human(f.pollInterval()), state, TerminalText.line(f.redactedUrl()));
            String why = why(s, confirmations, config.quarantineMinSpan());
            if (!why.isEmpty()) {
              out.println("  " + why);
            }
          }
        }
      }
      return IcsSyncCli.OK;
    }
  }

  /** Why a feed is held or failing, on one line; empty when it is fine. */
  static String why(FeedState s, int confirmations, java.time.Duration minSpan) {
    if (s.quarantine() != null) {
      var q = s.quarantine();
      int left = Math.max(1, confirmations - q.confirmations());
      return "held: " + TerminalText.line(q.reason()) + "; " + q.pendingCancellations() + " cancellation"
          + (q.pendingCancellations() == 1 ? "" : "s") + " held back until " + left + " more poll"
          + (left == 1 ? "" : "s") + " confirm" + (left == 1 ? "s" : "") + " the same result, the last of them from "
          + q.since().plus(minSpan) + " on (sync --feed ID "
          + "--confirm-cancellations applies them now)";
    }
    if (s.consecutiveFailures() > 0 && s.lastError() != null) {
      return "failing " + s.consecutiveFailures() + "x: " + TerminalText.line(s.lastError());
    }
    return "";
  }

  static String human(Duration d) {
    long s = d.getSeconds();
    return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  @Command(mixinStandardHelpOptions = true, name = "remove", description = {"Remove a feed: it is deactivated (never fetched again) and its events are",
      "cancelled, so they leave exports and conflicts; rows are kept as history, never deleted."})
  static final class Remove implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
    @Option(names = "--feed", required = true, paramLabel = "ID") String feedId = "";

    @Override
    public Integer call() {
      try (Database d = db.open()) {
        int cancelled = d.sync(List.of()).removeFeed(tenant, feedId)
            .orElseThrow(() -> new CliException(IcsSyncCli.FAILED, "no feed " + feedId + " in tenant " + tenant));
        Objects.requireNonNull(spec).commandLine().getOut()
            .println("removed " + feedId + " (" + cancelled + " events cancelled)");
      }
      return IcsSyncCli.OK;
    }
  }

  /** SHA-256 of the text's UTF-8 bytes, in lower-case hex. */
  private static String sha256Hex(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
