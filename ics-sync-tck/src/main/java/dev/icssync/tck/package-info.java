/**
 * The contract test kit: abstract JUnit 5 classes that every adapter must pass, published as an
 * ordinary jar so a user's own adapter runs the same checks as the built-in ones.
 *
 * <pre>{@code
 * class MyStoreContractTest extends StoreContract {
 *   @Override
 *   protected Store createStore() {
 *     return new MyStore(...);
 *   }
 * }
 * }</pre>
 *
 * <p>The kit brings JUnit Jupiter and AssertJ as compile dependencies, so a module needs only
 * {@code dev.icssync:ics-sync-tck} in test scope. Sub-package {@code dev.icssync.tck.db} hands out
 * test databases for JDBC adapters.
 */
@NullMarked
package dev.icssync.tck;

import org.jspecify.annotations.NullMarked;
