/** Implementation details of the sync engine (profile). Not API: may change in any release. */
@NullMarked
package dev.icssync.internal.profile;

import org.jspecify.annotations.NullMarked;
