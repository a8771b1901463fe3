/**
 * Alert rules over a sliding window of sync reports. {@link dev.icssync.alert.AlertEvaluator} is a
 * {@link dev.icssync.spi.SyncListener}: register it with the engine, give it rules (the defaults are
 * the documented thresholds) and an {@link AlertListener} to deliver to. A rule fires
 * once per episode and resolves once when its signal is back under the threshold.
 */
@NullMarked
package dev.icssync.alert;

import org.jspecify.annotations.NullMarked;
