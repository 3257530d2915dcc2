package io.qonnect.placement;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Instant;

/** The placement module is pure: no files, network, clock, randomness or threads. */
@AnalyzeClasses(packages = "io.qonnect.placement", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noIo = noClasses().should().dependOnClassesThat()
      .resideInAnyPackage("java.nio.file..", "java.net..", "java.nio.channels..")
      .orShould().dependOnClassesThat().haveNameMatching("java\\.io\\.File.*")
      .because("placement parses Strings; reading files is the shell's job");

  @ArchTest
  static final ArchRule noClockNoRandomness = noClasses().should().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .orShould().callMethod(Instant.class, "now")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.UUID")
      .because("the same input must give the same placement on every replica and every replay");

  @ArchTest
  static final ArchRule noThreads = noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
      .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
      .because("the engine is called from controllers that own the threads");
}
