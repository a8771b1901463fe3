package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.icssync.ExportToken;
import dev.icssync.ExportTokens;
import dev.icssync.Feed;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ics-sync tokens create|list|revoke|rotate}. */
@Command(mixinStandardHelpOptions = true, name = "tokens", description = "Secret export URLs: create, list, revoke, rotate.",
    subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class,
        TokensCommand.Rotate.class})
final class TokensCommand {
  /** Characters of the stored hash shown as a token's id: enough to tell tokens apart, useless to open one. */
  static final int ID_LENGTH = 12;

  static void requireProperty(Database d, String tenant, String property) {
    if (d.store().property(tenant, property).isEmpty() && d.store().feeds(tenant).stream()
        .noneMatch(f -> f.property().equals(property))) {
      throw new CliException(IcsSyncCli.FAILED, "no property " + TerminalText.line(property) + " in tenant "
          + TerminalText.line(tenant) + " (add a feed or set its properties first)");
    }
  }

  static String path(ExportTokens.Issued issued) {
    return ServeCommand.CONTEXT + "/" + issued.token() + ".ics";
  }

  @Command(mixinStandardHelpOptions = true, name = "create", description = {
      "Create an export token and print its URL path.",
      "The path (/export/<token>.ics) goes after the address 'ics-sync serve' listens on.",
      "Only a hash is stored: save the path now."})
  static final class Create implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
    @Option(names = "--property", required = true, paramLabel = "P") String property = "";
    @Option(names = "--channel", paramLabel = "C", description = "the channel the URL is for") @Nullable String channel;

    @Override
    public Integer call() {
      try (Database d = db.open()) {
        requireProperty(d, tenant, property);
        ExportTokens.Issued issued = d.sync(List.of()).exportTokens().create(tenant, property, channel);
        Objects.requireNonNull(spec).commandLine().getOut().println(path(issued));
      }
      return IcsSyncCli.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "list", description = {
      "List export tokens: id, view, created, expiry and state; never the secret.",
      "The id is the start of the stored hash, for 'tokens revoke'."})
  static final class ListTokens implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
    @Option(names = "--property", paramLabel = "P", description = "one property (default: every property of the tenant)")
    @Nullable String property;
    @Option(names = "--json", description = "print a JSON array") boolean json;

    @Override
    public Integer call() {
      PrintWriter out = Objects.requireNonNull(spec).commandLine().getOut();
      try (Database d = db.open()) {
        Set<String> properties = new LinkedHashSet<>();
        if (property != null) {
          properties.add(property);
        } else {
          d.store().feeds(tenant).stream().map(Feed::property).sorted().forEach(properties::add);
        }
        List<ExportToken> tokens = new ArrayList<>();
        ExportTokens api = d.sync(List.of()).exportTokens();
        properties.forEach(p -> tokens.addAll(api.list(tenant, p)));
        Instant now = Instant.now();
        if (json) {
          ArrayNode a = Json.array();
          for (ExportToken t : tokens) {
            ObjectNode n = a.addObject();
            n.put("id", id(t));
            n.put("tenant", t.tenant());
            n.put("property", t.property());
            n.put("channel", t.channel());
            n.put("createdAt", Json.text(t.createdAt()));
            n.put("expiresAt", Json.text(t.expiresAt()));
            n.put("revokedAt", Json.text(t.revokedAt()));
            n.put("state", state(t, now));
          }
          Json.print(out, a);
        } else if (tokens.isEmpty()) {
          out.println("no tokens");
        } else {
          out.printf("%-12s %-12s %-12s %-10s %-20s %-20s %s%n", "ID", "TENANT", "PROPERTY", "CHANNEL", "CREATED",
              "EXPIRES", "STATE");
          for (ExportToken t : tokens) {
            out.printf("%-12s %-12s %-12s %-10s %-20s %-20s %s%n", id(t), TerminalText.line(t.tenant()),
                TerminalText.line(t.property()), t.channel() == null ? "(merged)" : TerminalText.line(t.channel()),
                t.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                t.expiresAt() == null ? "never" : t.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                state(t, now));
          }
        }
      }
      return IcsSyncCli.OK;
    }
  }

  static String id(ExportToken t) {
    return t.hash().substring(0, Math.min(ID_LENGTH, t.hash().length()));
  }

  static String state(ExportToken t, Instant now) {
    return t.revokedAt() != null ? "revoked" : t.isValidAt(now) ? "valid" : "expired";
  }

  @Command(mixinStandardHelpOptions = true, name = "revoke", description = {
      "Revoke export tokens: one by its id from 'tokens list' (or by its secret URL path),",
      "or every token of a view (--channel C, or --merged), or of the property (--all)."})
  static final class Revoke implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
    @Option(names = "--property", required = true, paramLabel = "P") String property = "";
    @Parameters(arity = "0..1", paramLabel = "ID", description = "a token id from 'tokens list', or a leaked "
        + "/export/<token>.ics path") @Nullable String id;
    @Option(names = "--channel", paramLabel = "C", description = "every token of this channel's view") @Nullable String channel;
    @Option(names = "--merged", description = "every token of the merged view (no channel)") boolean merged;
    @Option(names = "--all", description = "every token of the property") boolean all;

    @Override
    public Integer call() {
      int chosen = (id != null ? 1 : 0) + (channel != null ? 1 : 0) + (merged ? 1 : 0) + (all ? 1 : 0);
      if (chosen != 1) {
        throw new CliException(IcsSyncCli.USAGE, "tokens revoke takes one of ID, --channel C, --merged or --all");
      }
      try (Database d = db.open()) {
        requireProperty(d, tenant, property);
        ExportTokens tokens = d.sync(List.of()).exportTokens();
        int n;
        if (all) {
          n = tokens.revokeAll(tenant, property);
        } else if (merged || channel != null) {
          n = tokens.revoke(tenant, property, channel);
        } else {
          n = revokeOne(tokens, Objects.requireNonNull(id).trim());
        }
        Objects.requireNonNull(spec).commandLine().getOut().println("revoked " + n + " token" + (n == 1 ? "" : "s"));
      }
      return IcsSyncCli.OK;
    }

    private int revokeOne(ExportTokens tokens, String given) {
      String secret = given.replaceFirst("^.*/", "").replaceFirst("\\.ics$", "");
      if (ExportTokens.isWellFormed(secret)) {
        ExportToken t = tokens.resolve(secret).orElse(null);
        if (t != null && (!t.tenant().equals(tenant) || !t.property().equals(property))) {
          throw new CliException(IcsSyncCli.FAILED, "that token opens another property");
        }
        return t != null && tokens.revoke(secret) ? 1 : 0;
      }
      if (given.length() < 6 || !given.matches("[0-9a-fA-F]+")) {
        throw new CliException(IcsSyncCli.USAGE, "ID takes a token id from 'tokens list' (at least 6 hex digits) "
            + "or an /export/<token>.ics path, not " + TerminalText.line(given));
      }
      String prefix = given.toLowerCase(java.util.Locale.ROOT);
      List<ExportToken> matches = tokens.list(tenant, property).stream().filter(t -> t.hash().startsWith(prefix))
          .toList();
      if (matches.isEmpty()) {
        throw new CliException(IcsSyncCli.FAILED, "no token " + given + " for " + TerminalText.line(tenant) + "/"
            + TerminalText.line(property) + " (see 'ics-sync tokens list')");
      }
      if (matches.size() > 1) {
        throw new CliException(IcsSyncCli.USAGE, "ID " + given + " matches " + matches.size() + " tokens: give more of it");
      }
      return tokens.revoke(matches.get(0)) ? 1 : 0;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "rotate", description = {
      "Issue a new export token for a view and print its URL path; the view's other tokens",
      "keep working for the grace period (default 1d), then expire."})
  static final class Rotate implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;
    @Mixin DbOptions db = new DbOptions();
    @Option(names = "--tenant", required = true, paramLabel = "T") String tenant = "";
    @Option(names = "--property", required = true, paramLabel = "P") String property = "";
    @Option(names = "--channel", paramLabel = "C", description = "the channel view (default: the merged view)")
    @Nullable String channel;
    @Option(names = "--grace", paramLabel = "DURATION", description = "how long the old URLs keep working "
        + "(default 1d; 0 ends them now), e.g. 2h, 1d, PT30M") @Nullable String grace;

    @Override
    public Integer call() {
      Duration g = grace == null ? ExportTokens.DEFAULT_ROTATION_GRACE : FeedsCommand.duration("--grace", grace);
      if (g.isNegative()) {
        throw new CliException(IcsSyncCli.USAGE, "--grace takes a duration of 0 or more, not " + grace);
      }
      try (Database d = db.open()) {
        requireProperty(d, tenant, property);
        ExportTokens.Issued issued = d.sync(List.of()).exportTokens().rotate(tenant, property, channel, g);
        Objects.requireNonNull(spec).commandLine().getOut().println(path(issued));
      }
      return IcsSyncCli.OK;
    }
  }
}
