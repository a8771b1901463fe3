/** Rendering of export views and export-token handling (not API: may change without notice). */
@NullMarked
package dev.icssync.internal.export;

import org.jspecify.annotations.NullMarked;
