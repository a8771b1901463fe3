/**
 * Example: a storage adapter written outside the library, on the public SPI only, that passes the
 * {@code ics-sync-tck} contract kit ({@code CopyOnWriteStoreContractTest}).
 */
@NullMarked
package dev.icssync.examples.store;

import org.jspecify.annotations.NullMarked;
