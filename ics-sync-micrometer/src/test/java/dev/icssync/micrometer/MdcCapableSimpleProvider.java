package dev.icssync.micrometer;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * The slf4j-simple binding with a working MDC (slf4j-simple's own is a no-op), so the secrets tests
 * can read what the engine puts in the MDC. Named by the {@code slf4j.provider} system property that
 * this module's surefire configuration sets.
 */
public final class MdcCapableSimpleProvider extends SimpleServiceProvider {
  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
