package dev.patroni4j.consumercheck.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link ArchitectureRules}, run on the fixtures that break it, reports exactly the
 * breaches, and nothing for the code that keeps it: a rule that cannot fail proves nothing.
 */
class ArchitectureRulesTest {
  private static final String FIXTURES = "dev.patroni4j.consumercheck.arch.fixtures";
  /** Another (fixture) module's implementation class. */
  private static final String FOREIGN = "dev.patroni4j.consumercheck.arch.elsewhere.internal.ForeignImplementation";
  private static final JavaClasses CLASSES = new ClassFileImporter().importPackages(FIXTURES);

  @Test
  void importingAnotherModulesInternalIsReportedWithItsLocationButTheOwnInternalIsNot() {
    List<String> found = ArchitectureTest.details("fixtures",
        ArchitectureRules.noOtherModulesInternals(FIXTURES, Set.of(FIXTURES)).evaluate(CLASSES));
    assertThat(found).isNotEmpty().allMatch(d -> d.contains(FOREIGN));
    assertThat(found).anyMatch(d -> d.contains("ImportsAnotherModulesInternal.names()") && d.contains("ImportsAnotherModulesInternal.java:"));
    assertThat(found).anyMatch(d -> d.contains("LeaksTypes"));
    assertThat(found).noneMatch(d -> d.contains("OwnImplementation"));
  }


  @Test
  void aNestedModulesInternalIsAnotherModulesEvenThoughItsPackageLiesUnderThisModulesRoot() {
    String nested = FIXTURES + ".nested";
    List<String> found = ArchitectureTest.details("fixtures",
        ArchitectureRules.noOtherModulesInternals(FIXTURES, Set.of(FIXTURES, nested)).evaluate(CLASSES));
    assertThat(found).anyMatch(d -> d.contains("ImportsANestedModulesInternal.name()") && d.contains(nested + ".internal.NestedImplementation"));
    assertThat(found).noneMatch(d -> d.contains("OwnImplementation"));
    // Seen from the nested module, its own .internal is fine.
    assertThat(ArchitectureTest.details("fixtures",
        ArchitectureRules.noOtherModulesInternals(nested, Set.of(FIXTURES, nested)).evaluate(
            new ClassFileImporter().importPackages(nested)))).isEmpty();
  }
  @Test
  void everyKindOfPublicSignatureNamingAForbiddenTypeIsReported() {
    List<String> found = ArchitectureTest.details("fixtures", ArchitectureRules.publicSignaturesUseOnlyApiTypes(Set.of()).evaluate(CLASSES));
    String leaks = FIXTURES + ".LeaksTypes";
    assertThat(found).anyMatch(d -> d.contains(leaks + " implements org.junit.jupiter.api.extension.Extension, a third-party type"))
        .anyMatch(d -> d.contains(leaks + ".publicField org.junit.jupiter.api.TestInfo, a third-party type"))
        .anyMatch(d -> d.contains(leaks + ".<init>(...) takes " + FOREIGN + ", an .internal type"))
        .anyMatch(d -> d.contains(leaks + ".returnsThirdParty(...) returns org.junit.jupiter.api.TestInfo"))
        .anyMatch(d -> d.contains(leaks + ".takesInternalInAGeneric(...) takes " + FOREIGN))
        .anyMatch(d -> d.contains(leaks + ".boundedByThirdParty(...) type parameter T org.junit.jupiter.api.TestInfo"))
        .anyMatch(d -> d.contains(leaks + ".boundedByThirdParty(...) takes org.junit.jupiter.api.TestInfo")) // T's erasure
        .anyMatch(d -> d.contains(leaks + "$Nested.takes(...) takes org.junit.jupiter.api.TestInfo"));
    assertThat(found).noneMatch(d -> d.contains("privateField") || d.contains("packagePrivate") || d.contains("clean(")
        || d.contains("NotApi") || d.contains("OwnImplementation") || d.contains("Unmarked"));
    assertThat(found).hasSize(8);
    assertThat(ArchitectureTest.details("fixtures", ArchitectureRules.publicSignaturesUseOnlyApiTypes(
        Set.of("org.junit.jupiter.api", "org.junit.jupiter.api.extension")).evaluate(CLASSES)))
        .as("an allowlisted package is no finding").hasSize(2).allMatch(d -> d.contains("an .internal type"));
  }

  @Test
  void aPackageWithoutPackageInfoOrWithoutNullMarkedIsReported() {
    List<String> found = ArchitectureTest.details("fixtures", ArchitectureRules.everyPackageIsNullMarked().evaluate(CLASSES));
    assertThat(found).hasSize(2)
        .anyMatch(d -> d.contains("package " + FIXTURES + ".noinfo has no package-info.java"))
        .anyMatch(d -> d.contains("package " + FIXTURES + ".unmarked has a package-info.java without @NullMarked"));
  }

  @Test
  void everyRealSleepOutsideTheAllowedClassIsReportedWithItsLocation() {
    List<String> found = ArchitectureTest.details("fixtures",
        ArchitectureRules.sleepsOnlyIn(FIXTURES + ".DefaultSleeper").evaluate(CLASSES));
    String sleeps = FIXTURES + ".SleepsForReal";
    assertThat(found).hasSize(5).allMatch(d -> d.contains(sleeps) && d.contains("SleepsForReal.java:"))
        .anyMatch(d -> d.contains(sleeps + ".calls()") && d.contains("java.lang.Thread.sleep(long)"))
        .anyMatch(d -> d.contains(sleeps + ".callsWithNanos()") && d.contains("java.lang.Thread.sleep(long, int)"))
        .anyMatch(d -> d.contains(sleeps + ".callsTimeUnit()") && d.contains("java.util.concurrent.TimeUnit.sleep(long)"))
        .anyMatch(d -> d.contains(sleeps + ".inALambda()")) // ArchUnit names a lambda's enclosing method
        .anyMatch(d -> d.contains(sleeps + ".reference()") && d.contains("references"));
    assertThat(ArchitectureTest.details("fixtures", ArchitectureRules.sleepsOnlyIn(FIXTURES + ".Nothing").evaluate(CLASSES)))
        .as("the allowed class, lambda included, is only exempt while it is the one named").hasSize(6)
        .anyMatch(d -> d.contains(FIXTURES + ".DefaultSleeper.system()"));
  }
}
