package dev.icssync.spi;

import java.util.Set;

/**
 * Told the surrogate keys of exports that changed after a sync, so a CDN in front of the export
 * endpoint can purge them. Called after commit; failures are logged and ignored.
 */
@FunctionalInterface
public interface PurgeHook {
  void purge(Set<String> surrogateKeys);

  static PurgeHook none() {
    return keys -> {};
  }
}
