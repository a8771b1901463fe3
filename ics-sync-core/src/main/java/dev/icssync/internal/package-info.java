/** Implementation details. Not API: may change in any release. */
@NullMarked
package dev.icssync.internal;

import org.jspecify.annotations.NullMarked;
