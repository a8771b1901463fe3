/**
 * JMH benchmark of the export path: an export rendered from the store against one served from the
 * Caffeine cache and from the shared Redis cache.
 *
 * <pre>
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -jar ics-sync-bench/target/benchmarks.jar 'dev.icssync.bench.cache' -f 1 -wi 2 -i 3
 * </pre>
 */
@NullMarked
package dev.icssync.bench.cache;

import org.jspecify.annotations.NullMarked;
