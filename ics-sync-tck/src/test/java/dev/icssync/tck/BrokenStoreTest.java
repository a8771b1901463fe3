package dev.icssync.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.icssync.CalendarEvent;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.ForwardingStore;
import dev.icssync.spi.Store;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The kit can fail: a store that silently drops cancellations is run through {@link StoreContract}
 * with the JUnit Platform's {@link EngineTestKit}, and exactly the contract tests about cancelled
 * events fail while the rest pass.
 */
class BrokenStoreTest {
  /** Set only by the test kit runs below, so the nested contract classes never run on their own. */
  static final String SELF_TEST = "icssync.tck.selfTest";

  /** What the broken store fails: every test that stores or reads a cancelled event. */
  private static final Set<String> EXPECTED_FAILURES = Set.of(
      "eventsRoundTripEveryField",
      "everyKindAndStatusRoundTrips",
      "theSameApplyTwiceLeavesTheSameState",
      "cancellationKeepsTheEventAsCancelled",
      "cancelledEventIsReinstatedWhenItComesBack",
      "cancelledEventsOnlyWhenAskedFor",
      "eventsAreScopedByTenant");

  @Test
  void storeDroppingCancellationsFailsTheCancellationContracts() {
    Events tests = EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(DroppingCancellations.class))
        .configurationParameter(SELF_TEST, "true")
        .execute()
        .testEvents();

    Set<String> failed = methodNames(tests.failed());
    assertThat(failed).isEqualTo(EXPECTED_FAILURES);
    assertThat(tests.succeeded().count()).as("the other contract tests still pass").isGreaterThan(40);
    assertThat(tests.skipped().count()).isZero();
  }

  @Test
  void theSameKitPassesOnTheStoreItWraps() {
    Events tests = EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(Unbroken.class))
        .configurationParameter(SELF_TEST, "true")
        .execute()
        .testEvents();

    assertThat(methodNames(tests.failed())).isEmpty();
    assertThat(tests.succeeded().count()).isGreaterThan(40);
  }

  private static Set<String> methodNames(Events events) {
    return events.stream()
        .map(Event::getTestDescriptor)
        .map(TestDescriptor::getSource)
        .flatMap(Optional::stream)
        .filter(MethodSource.class::isInstance)
        .map(s -> ((MethodSource) s).getMethodName())
        .collect(Collectors.toSet());
  }

  /**
   * Disables the nested contract classes unless run by the kit above: a test runner that picks them
   * up (Surefire with {@code -Dtest=...}, an IDE) skips them instead of reporting the broken store's
   * failures.
   */
  static final class OnlyInsideTheKitRun implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(SELF_TEST).isPresent()
          ? ConditionEvaluationResult.enabled("run by BrokenStoreTest")
          : ConditionEvaluationResult.disabled("runs only inside BrokenStoreTest");
    }
  }

  /** The contract on the broken store. Not a Surefire test by name; selected explicitly above. */
  @ExtendWith(OnlyInsideTheKitRun.class)
  static class DroppingCancellations extends StoreContract {
    @Override
    protected Store createStore() {
      return new DropsCancellations(Store.inMemory());
    }
  }

  /** The control: the same wrapper with nothing dropped. */
  @ExtendWith(OnlyInsideTheKitRun.class)
  static class Unbroken extends StoreContract {
    @Override
    protected Store createStore() {
      return new ForwardingStore(Store.inMemory()) {};
    }
  }

  /** A store that ignores upserts whose status is CANCELLED: the bug the kit must catch. */
  static final class DropsCancellations extends ForwardingStore {
    DropsCancellations(Store delegate) {
      super(delegate);
    }

    @Override
    public ApplyResult apply(FeedApply apply) {
      List<CalendarEvent> kept = apply.upserts().stream().filter(CalendarEvent::isActive).toList();
      return super.apply(new FeedApply(apply.tenant(), apply.feedId(), apply.rekeys(), kept, apply.state(),
          apply.run()));
    }
  }
}
