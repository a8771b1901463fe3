/** HTTP adapters: the feed fetcher ({@link dev.icssync.http.HttpFeedFetcher}) and the export endpoint. */
@NullMarked
package dev.icssync.http;

import org.jspecify.annotations.NullMarked;
