/**
 * Benchmarks of export rendering, of writing calendars (ours vs ical4j vs biweekly), of the export
 * endpoint over HTTP, and a load run of the endpoint.
 */
@NullMarked
package dev.icssync.bench.export;

import org.jspecify.annotations.NullMarked;
