package dev.patroni4j.consumercheck.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ArchitectureRules} over the compiled main and test classes of every module of the
 * reactor (read from each module's {@code target/}, which the reactor built before this module).
 * The modules and their package roots come from the poms, so a new module is checked without
 * being listed here.
 */
class ArchitectureTest {
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern MODULE_NAME = Pattern.compile("<moduleName>([^<]+)</moduleName>");

  /** One module: its directory, package root, whether the BOM publishes it, and its classes. */
  record Module(String directory, String root, boolean published, JavaClasses main, JavaClasses test, JavaClasses all) {}

  /**
   * Third-party packages a module may name in its public signatures, each with its reason.
   * testkit: {@code LocalPatroniClusterExtension} is a JUnit 5 extension, which is what it is for;
   * testkit's pom declares junit-jupiter-api as its own dependency. testkit-containers: the same, for
   * {@code PatroniContainersExtension}.
   */
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      "testkit", Set.of("org.junit.jupiter.api.extension"),
      "testkit-containers", Set.of("org.junit.jupiter.api.extension"));

  private static final List<Module> MODULES = new ArrayList<>();

  @BeforeAll
  static void importEveryModule() throws IOException {
    Path root = Path.of(requiredProperty("patroni4j.rootDirectory")).normalize();
    String bom = Files.readString(root.resolve("bom/pom.xml"));
    Matcher modules = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
    ClassFileImporter importer = new ClassFileImporter();
    while (modules.find()) {
      String directory = modules.group(1);
      Matcher name = MODULE_NAME.matcher(Files.readString(root.resolve(directory).resolve("pom.xml")));
      if (!name.find()) {
        continue; // the BOM, and this module: no code of the library
      }
      Path main = root.resolve(directory).resolve("target/classes");
      Path test = root.resolve(directory).resolve("target/test-classes");
      assertThat(main).as("compiled classes of " + directory + " (the reactor builds it before this module)").isDirectory();
      boolean published = bom.contains("<artifactId>" + directory + "</artifactId>");
      List<Path> both = Files.isDirectory(test) ? List.of(main, test) : List.of(main);
      MODULES.add(new Module(directory, name.group(1), published, importer.importPath(main),
          Files.isDirectory(test) ? importer.importPath(test) : importer.importClasses(), importer.importPaths(both)));
    }
    assertThat(MODULES).extracting(Module::directory).contains("patroni-client", "testkit", "examples");
  }

  @Test
  void noModuleImportsAnotherModulesInternalPackagesInMainOrTestCode() {
    List<String> violations = new ArrayList<>();
    Set<String> roots = MODULES.stream().map(Module::root).collect(Collectors.toSet());
    for (Module m : MODULES) {
      ArchRule rule = ArchitectureRules.noOtherModulesInternals(m.root(), roots);
      violations.addAll(details(m.directory() + " main", rule.evaluate(m.main())));
      if (!m.test().isEmpty()) {
        violations.addAll(details(m.directory() + " test", rule.evaluate(m.test())));
      }
    }
    assertThat(violations).as("classes importing another module's .internal").isEmpty();
  }

  @Test
  void publicSignaturesOfPublishedModulesNameNoInternalAndNoThirdPartyType() {
    List<String> violations = new ArrayList<>();
    for (Module m : MODULES) {
      if (m.published()) {
        violations.addAll(details(m.directory(),
            ArchitectureRules.publicSignaturesUseOnlyApiTypes(ALLOWED.getOrDefault(m.directory(), Set.of())).evaluate(m.main())));
      }
    }
    assertThat(MODULES.stream().filter(Module::published)).hasSizeGreaterThanOrEqualTo(7);
    assertThat(violations).as("public signatures naming an .internal or third-party type").isEmpty();
  }

  @Test
  void everyPackageOfMainAndTestCodeIsNullMarked() {
    List<String> violations = new ArrayList<>();
    for (Module m : MODULES) {
      // Test code shares its main package's package-info; a test-only package needs its own.
      violations.addAll(details(m.directory(), ArchitectureRules.everyPackageIsNullMarked().evaluate(m.all())));
    }
    assertThat(violations).as("packages NullAway does not check").isEmpty();
  }

  /** The default {@code Sleeper}: the one place main code may sleep for real. */
  private static final String DEFAULT_SLEEPER = "dev.patroni4j.client.Sleeper";

  @Test
  void mainCodeSleepsForRealOnlyInTheDefaultSleeper() {
    List<String> violations = new ArrayList<>();
    for (Module m : MODULES) {
      violations.addAll(details(m.directory(), ArchitectureRules.sleepsOnlyIn(DEFAULT_SLEEPER).evaluate(m.main())));
    }
    assertThat(violations).as("Thread.sleep outside " + DEFAULT_SLEEPER + " (take an injected Sleeper)").isEmpty();
    Module client = MODULES.stream().filter(m -> m.directory().equals("patroni-client")).findFirst().orElseThrow();
    assertThat(details("patroni-client", ArchitectureRules.sleepsOnlyIn("none").evaluate(client.main())))
        .as("the exempt class exists under that name and is where the real sleep is")
        .isNotEmpty().allMatch(d -> d.contains(DEFAULT_SLEEPER + "."));
  }

  static List<String> details(String where, EvaluationResult result) {
    return result.getFailureReport().getDetails().stream().map(d -> where + ": " + d).toList();
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (the pom sets it)");
    }
    return value;
  }
}
