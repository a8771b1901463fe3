/** Load harness of the HTTP feed fetcher against a bare {@code java.net.http.HttpClient}. */
@NullMarked
package dev.icssync.bench.http;

import org.jspecify.annotations.NullMarked;
