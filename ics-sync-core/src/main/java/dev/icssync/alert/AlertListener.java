package dev.icssync.alert;

/**
 * Receives alerts from {@link AlertEvaluator}: one {@code FIRING} when a rule's episode starts and
 * one {@code RESOLVED} when it ends. Called on the syncing thread (or the thread
 * calling {@code evaluate()}), outside any lock; an exception thrown here is logged and ignored.
 */
@FunctionalInterface
public interface AlertListener {
  void onAlert(Alert alert);

  /** Ignores every alert (the evaluator still logs them). */
  static AlertListener none() {
    return alert -> {};
  }
}
