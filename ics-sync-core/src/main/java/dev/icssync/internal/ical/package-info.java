/**
 * Internals of the RFC 5545 parser: byte-level line reading, value decoding, zones and recurrence.
 * Not API; may change at any time.
 */
@NullMarked
package dev.icssync.internal.ical;

import org.jspecify.annotations.NullMarked;
