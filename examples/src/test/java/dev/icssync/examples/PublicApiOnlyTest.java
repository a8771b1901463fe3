package dev.icssync.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The examples use the public API only: nothing from an internal package. */
@AnalyzeClasses(packages = "dev.icssync.examples", importOptions = ImportOption.DoNotIncludeTests.class)
class PublicApiOnlyTest {
  @ArchTest
  static final ArchRule noInternals = noClasses().should().dependOnClassesThat()
      .resideInAPackage("dev.icssync..internal..")
      .because("examples show what a host can do with the published API");
}
