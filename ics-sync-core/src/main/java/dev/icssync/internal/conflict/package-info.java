/** Implementation details of the sync engine (conflict). Not API: may change in any release. */
@NullMarked
package dev.icssync.internal.conflict;

import org.jspecify.annotations.NullMarked;
