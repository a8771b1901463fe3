package dev.icssync.internal.engine;

import dev.icssync.internal.Digests;
import java.util.Set;

/**
 * Surrogate keys told to the {@code PurgeHook} when a sync changes a property's events: one key per
 * property, the same as {@code ExportView.surrogateKey} puts on every export view of it.
 */
public final class SurrogateKeys {
  private SurrogateKeys() {}

  public static String property(String tenant, String property) {
    // length-prefixed, so no choice of ids makes two properties share a key
    return "ics-p-" + Digests.sha256Hex(tenant.length() + ":" + tenant + property).substring(0, 32);
  }

  static Set<String> of(String tenant, String property) {
    return Set.of(property(tenant, property));
  }
}
