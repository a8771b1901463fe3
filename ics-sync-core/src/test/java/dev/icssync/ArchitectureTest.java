package dev.icssync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;

/**
 * The core's dependency rules: it depends on the JDK, ical4j, slf4j-api and jspecify only, and never
 * on an adapter package. (The enforcer's bannedDependencies rule in this module's pom checks the
 * same at the artifact level.)
 */
@AnalyzeClasses(packages = "dev.icssync", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule coreDependsOnlyOnTheJdkIcal4jSlf4jAndJspecify = classes()
      .that().resideInAPackage("dev.icssync..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "javax..", "dev.icssync..", "org.slf4j..", "org.jspecify..", "net.fortuna.ical4j..")
      .because("ics-sync-core depends on nothing beyond ical4j, slf4j-api and jspecify");

  @ArchTest
  static final ArchRule coreNeverImportsAnAdapter = noClasses()
      .that().resideInAPackage("dev.icssync..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "dev.icssync.jdbc..", "dev.icssync.http..", "dev.icssync.cache..", "dev.icssync.scheduler..",
          "dev.icssync.micrometer..", "dev.icssync.cli..", "dev.icssync.tck..", "dev.icssync.bench..",
          "dev.icssync.examples..")
      .because("core never knows an adapter exists");

  /**
   * Every package of the core below the root is a node of an acyclic graph: {@code spi} does not
   * reach into {@code internal} ({@code Store.inMemory()}'s store lives package-private in
   * {@code spi}), {@code alert} builds on {@code spi} and not the other way round
   * ({@code AlertListener} is in {@code alert}), and the parser's implementation lives
   * package-private in {@code ical}. The root package {@code dev.icssync} is the model every package
   * uses and the entry ({@code IcsSync}) that wires the engine, so it is not a node of the graph.
   */
  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("dev.icssync.(**)")
      .should().beFreeOfCycles()
      .because("a package cycle makes every package of it one unit that can only change together");

  @ArchTest
  static final ArchRule apiAndSpiDoNotExposeIcal4j = noClasses()
      .that().resideInAnyPackage("dev.icssync", "dev.icssync.spi")
      .should().dependOnClassesThat().resideInAPackage("net.fortuna.ical4j..")
      .because("ical4j is an implementation detail of the parser");

  @ArchTest
  static final ArchRule logsThroughSlf4jOnly = noClasses()
      .should().dependOnClassesThat().resideInAPackage("java.util.logging..")
      .orShould().dependOnClassesThat().belongToAnyOf(System.Logger.class, System.LoggerFinder.class)
      .because("the core logs through slf4j-api only");

  @ArchTest
  static final ArchRule noStandardStreams = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

  @ArchTest
  static final ArchRule spiMethodsThrowNoCheckedException = methods()
      .that().areDeclaredInClassesThat().resideInAPackage("dev.icssync.spi")
      .should(declareNoCheckedException())
      .because("no SPI method throws a checked exception");

  private static ArchCondition<JavaMethod> declareNoCheckedException() {
    return new ArchCondition<>("declare no checked exception") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        for (JavaClass thrown : method.getThrowsClause().getTypes()) {
          if (!thrown.isAssignableTo(RuntimeException.class) && !thrown.isAssignableTo(Error.class)) {
            events.add(SimpleConditionEvent.violated(method,
                method.getFullName() + " declares checked " + thrown.getName()));
          }
        }
      }
    };
  }
}
