package dev.icssync.cli;

import dev.icssync.Feed;
import dev.icssync.SyncReport;
import dev.icssync.SyncTimings;
import dev.icssync.spi.SyncListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One INFO line per finished sync, under the logger {@value #LOGGER}: tenant, property, feed id,
 * source, outcome (and the failure reason), milliseconds per phase, bytes fetched and events changed,
 * as key-value pairs (appended as {@code key=value} in text logs, fields of the JSON line with
 * {@code --log-format json}). Never the feed's URL.
 */
final class SyncLog implements SyncListener {
  static final String LOGGER = "dev.icssync.sync";

  private final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void onSyncFinished(Feed feed, SyncReport r) {
    if (!log.isInfoEnabled()) {
      return;
    }
    String outcome = Json.lower(r.outcome());
    SyncTimings t = r.timings();
    LoggingEventBuilder e = log.atInfo()
        .addKeyValue("tenant", r.tenant())
        .addKeyValue("property", r.property())
        .addKeyValue("feed", r.feedId())
        .addKeyValue("source", r.source())
        .addKeyValue("outcome", outcome);
    if (r.failure() != null) {
      e = e.addKeyValue("reason", Json.lower(r.failure()));
    }
    e.addKeyValue("total_ms", ms(t.total()))
        .addKeyValue("fetch_ms", ms(t.fetch()))
        .addKeyValue("parse_ms", ms(t.parse()))
        .addKeyValue("apply_ms", ms(t.apply()))
        .addKeyValue("bytes", r.bytes())
        .addKeyValue("changed", r.counts().created() + r.counts().updated() + r.counts().cancelled()
            + r.counts().reinstated() + r.counts().uidReissued())
        .log("sync " + outcome);
  }

  private static long ms(Duration d) {
    return d.toMillis();
  }
}
