/** The streaming RFC 5545 parser and writer. */
@NullMarked
package dev.icssync.ical;

import org.jspecify.annotations.NullMarked;
