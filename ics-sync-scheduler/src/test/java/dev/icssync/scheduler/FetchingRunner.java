package dev.icssync.scheduler;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FeedStore;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Fetch-only stand-in for the engine: a conditional fetch turned into a report, nothing stored. */
final class FetchingRunner implements FeedRunner {
  private final FeedStore feeds;
  private final FeedFetcher fetcher;
  private final Map<String, String> etags = new ConcurrentHashMap<>();

  FetchingRunner(FeedStore feeds, FeedFetcher fetcher) {
    this.feeds = feeds;
    this.fetcher = fetcher;
  }

  @Override
  public SyncReport run(String tenant, String feedId) {
    Feed feed = feeds.feed(tenant, feedId).orElseThrow();
    String key = tenant + "/" + feedId;
    FetchResult r = fetcher.fetch(new FetchRequest(feed, etags.get(key), null));
    if (r instanceof FetchResult.Fetched f) {
      if (f.etag() != null) {
        etags.put(key, f.etag());
      }
      return Reports.of(tenant, feedId, SyncOutcome.APPLIED);
    }
    if (r instanceof FetchResult.NotModified) {
      return Reports.of(tenant, feedId, SyncOutcome.NOT_MODIFIED);
    }
    FetchResult.Failed failed = (FetchResult.Failed) r;
    FailureReason reason = failed.reason();
    return Reports.failed(tenant, feedId, reason, failed.retryAfter());
  }
}
