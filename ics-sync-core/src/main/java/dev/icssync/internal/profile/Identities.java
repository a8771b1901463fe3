package dev.icssync.internal.profile;

import dev.icssync.Diagnostic;
import dev.icssync.EventKind;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.ChannelProfile.Normalized;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The UID each event of one feed is stored under: the feed's own UID, or the one a profile gave it
 * ({@link Normalized#uid()}, an availability rule's stable identity). A profile reads one event at a
 * time, so only here, with the whole feed in view, can a rewrite be checked:
 * <ul>
 *   <li>a rewrite that two events of the feed would share, or that is the UID of another event of
 *       the feed, is dropped for every event concerned, with a diagnostic: each keeps its own UID
 *       (two events never become one, the second lost as a duplicate);</li>
 *   <li>a rule identity ({@value ChannelProfile#RULE_UID_PREFIX}...) on anything but a block is
 *       dropped: a reservation, hold or event is never left out of conflict detection and exports;</li>
 *   <li>a feed's own UID that starts with {@value ChannelProfile#RULE_UID_PREFIX} is stored with
 *       {@value #ESCAPE} in front, so a feed cannot make its events pass for our rules.</li>
 * </ul>
 * The result depends only on the feed's content, so identities are stable from one poll to the next.
 */
public final class Identities {
  /** Put in front of a feed's own UID that would read as one of our rule identities. */
  public static final String ESCAPE = "feed:";

  private Identities() {}

  /**
   * The UID of each event, index for index; null where the reading is null (the profile drops the
   * event) or the UID is blank.
   */
  public static @Nullable String[] of(List<ParsedEvent> events, List<@Nullable Normalized> readings,
      List<Diagnostic> diagnostics) {
    int n = events.size();
    String[] own = new String[n];
    String[] rewrite = new String[n];
    Set<String> ownKeys = new HashSet<>(Math.max(16, n * 2));
    Map<String, Integer> rewriteCount = new HashMap<>();
    Map<String, Integer> firstLine = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Normalized r = readings.get(i);
      ParsedEvent e = events.get(i);
      if (r == null || e.uid().isBlank()) {
        continue;
      }
      own[i] = e.uid().startsWith(ChannelProfile.RULE_UID_PREFIX) ? ESCAPE + e.uid() : e.uid();
      ownKeys.add(key(own[i], e));
      String u = r.uid();
      if (u == null || u.equals(e.uid())) {
        continue;
      }
      if (r.isAvailabilityRule() && r.kind() != EventKind.BLOCK) {
        diagnostics.add(new Diagnostic(e.line(), "a " + r.kind().name().toLowerCase(java.util.Locale.ROOT)
            + " is never an availability rule: " + e.uid() + " kept under its own UID, not " + u));
        continue;
      }
      rewrite[i] = u;
      rewriteCount.merge(key(u, e), 1, Integer::sum);
      firstLine.putIfAbsent(key(u, e), e.line());
    }
    Set<String> refused = new HashSet<>();
    for (Map.Entry<String, Integer> c : rewriteCount.entrySet()) {
      if (c.getValue() > 1 || ownKeys.contains(c.getKey())) {
        refused.add(c.getKey());
      }
    }
    Set<String> reported = new HashSet<>();
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      if (own[i] == null) {
        continue;
      }
      String u = rewrite[i];
      if (u != null && refused.contains(key(u, events.get(i)))) {
        String k = key(u, events.get(i));
        if (reported.add(k)) {
          diagnostics.add(new Diagnostic(firstLine.getOrDefault(k, events.get(i).line()), "more than one event of the feed read as " + u
              + (events.get(i).recurrenceId().isEmpty() ? "" : " (" + events.get(i).recurrenceId() + ")")
              + ": each kept under its own UID"));
        }
        u = null;
      }
      out[i] = u != null ? u : own[i];
    }
    return out;
  }

  private static String key(String uid, ParsedEvent e) {
    return uid + '\u0000' + e.recurrenceId();
  }
}
