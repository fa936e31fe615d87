package dev.patroni4j.consumercheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WAL-G bridge keeps its two sides apart: walg-s3 users pull no JDBC driver and no Resilience4j, runbooks users
 * no AWS SDK; only runbooks-walg has both. Read from the runtime classpath each module's own build wrote at {@code
 * package} (the one ConsumerClasspathTest holds the BOM to).
 */
class DependencyBoundaryTest {
  private final Path root = Path.of(requireProperty("patroni4j.rootDirectory")).normalize();

  private List<String> runtime(String module) throws IOException {
    Path list = root.resolve(module).resolve("target/tested-runtime-classpath.txt");
    assertThat(list).as("%s was packaged before consumer-check", module).exists();
    return Files.readAllLines(list).stream().map(String::strip).filter(l -> l.split(":").length >= 4).toList();
  }

  @Test
  void walgS3UsersPullNoJdbcDriverAndNoResilience4j() throws IOException {
    List<String> walg = runtime("walg-s3");
    assertThat(walg).anyMatch(l -> l.startsWith("software.amazon.awssdk:s3:"));
    assertThat(walg).noneMatch(l -> l.startsWith("org.postgresql:") || l.contains("resilience4j")
        || l.startsWith("dev.patroni4j:runbooks:"));
  }

  @Test
  void runbooksUsersPullNoAwsSdk() throws IOException {
    List<String> runbooks = runtime("runbooks");
    assertThat(runbooks).anyMatch(l -> l.startsWith("org.postgresql:postgresql:"));
    assertThat(runbooks).noneMatch(l -> l.startsWith("software.amazon.awssdk:") || l.startsWith("dev.patroni4j:walg-s3:"));
  }

  @Test
  void onlyTheBridgeHasBoth() throws IOException {
    List<String> bridge = runtime("runbooks-walg");
    assertThat(bridge).anyMatch(l -> l.startsWith("dev.patroni4j:runbooks:"))
        .anyMatch(l -> l.startsWith("dev.patroni4j:walg-s3:"));
  }

  private static String requireProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (the pom sets it)");
    }
    return value;
  }
}
