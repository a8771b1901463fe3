package dev.icssync.examples.boot;

import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.PropertySettings;
import dev.icssync.spring.boot.IcsSyncProperties;
import dev.icssync.spring.boot.IcsSyncSchedulerLifecycle;
import java.util.HexFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/** The host's own service on the auto-configured beans: register a channel's feed, hand out an export URL. */
@Service
public class Calendars {
  private final IcsSync sync;
  private final IcsSyncSchedulerLifecycle scheduler;
  private final IcsSyncProperties properties;

  public Calendars(IcsSync sync, IcsSyncSchedulerLifecycle scheduler, IcsSyncProperties properties) {
    this.sync = sync;
    this.scheduler = scheduler;
    this.properties = properties;
  }

  /** Registers a feed; the scheduler syncs it now, then every poll interval, on whichever instance is free. */
  public Feed addFeed(String tenant, String property, String source, String url) {
    if (sync.store().property(tenant, property).isEmpty()) {
      sync.saveProperty(PropertySettings.defaults(tenant, property));
    }
    Feed feed = Feed.builder(tenant, source + "-" + shortHash(url)).property(property).source(source).url(url).build();
    sync.store().saveFeed(feed);
    scheduler.enrol(feed);
    return feed;
  }

  /** The path (under this application's own server) of a property's calendar for one channel. */
  public String exportPath(String tenant, String property, @Nullable String channel) {
    return properties.getExport().getPath() + "/" + sync.exportTokens().create(tenant, property, channel).token()
        + ".ics";
  }

  private static String shortHash(String url) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
