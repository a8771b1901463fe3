package dev.icssync.engine;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * The slf4j-simple binding with a working MDC (slf4j-simple's own is a no-op), so core tests can
 * check what the engine puts in the MDC. Registered for core tests only, in
 * {@code src/test/resources/META-INF/services}; test classes come first on the class path.
 */
public final class MdcCapableSimpleProvider extends SimpleServiceProvider {
  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
