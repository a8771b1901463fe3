/** Implementation details of the sync engine (engine). Not API: may change in any release. */
@NullMarked
package dev.icssync.internal.engine;

import org.jspecify.annotations.NullMarked;
