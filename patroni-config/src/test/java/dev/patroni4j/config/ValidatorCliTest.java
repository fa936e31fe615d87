package dev.patroni4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-process harness of {@link ValidatorAgreementTest} gives the verdicts of the real {@code
 * patroni --validate-config} command (a sample, one process per file), and the typed problems name
 * the path and what was expected without revealing secrets.
 */
class ValidatorCliTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "Patroni {0}")
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void theHarnessGivesTheVerdictsOfTheCommandLine(String release) throws Exception {
    Optional<Path> home = Python.patroniHome(release);
    Assumptions.assumeTrue(home.isPresent() || "true".equals(System.getenv("CI")), "not installed");
    try (ServerSocket dcs = ValidatorAgreementTest.acceptingSocket()) {
      Map<String, Object> base = ValidatorCorpus.fullBase(ValidatorAgreementTest.freePort(),
          ValidatorAgreementTest.freePort(), dcs.getLocalPort(), dir);
      List<ValidatorCorpus.Case> all = ValidatorCorpus.mutations("full", base);
      List<ValidatorCorpus.Case> sample = List.of(all.get(0), find(all, "full/delete name"),
          find(all, "full/set tags.nofailover = text"), find(all, "full/set bootstrap.dcs.ttl = 30s"));
      Map<String, Boolean> harness = ValidatorAgreementTest.patroniVerdicts(home.orElseThrow(), sample, dir);
      for (ValidatorCorpus.Case c : sample) {
        assertThat(cli(home.orElseThrow(), c.yaml())).as(c.name()).isEqualTo(harness.get(c.name()));
      }
      assertThat(harness.values()).contains(true, false);
    }
  }

  private static ValidatorCorpus.Case find(List<ValidatorCorpus.Case> all, String name) {
    return all.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private boolean cli(Path home, String yaml) throws IOException, InterruptedException {
    Path file = Files.writeString(Files.createTempFile(dir, "cli", ".yml"), yaml);
    List<String> command = new ArrayList<>(List.of(Python.PYTHON.toString(),
        home.toString().equals("/") ? "/usr/bin/patroni" : home.resolve("usr/bin/patroni").toString(),
        "--validate-config", file.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    if (!home.toString().equals("/")) {
      pb.environment().put("PYTHONPATH", Python.pythonPath(home));
    }
    Process p = pb.start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return p.exitValue() == 0;
  }

  @Test
  void problemsNameThePathAndWhatWasExpected() {
    PatroniConfig config = PatroniConfig.parse("""
        scope: s
        name: n
        restapi: {listen: 'nosuchhost.invalid:8008', connect_address: '127.0.0.1:8008'}
        etcd3: {hosts: 'nosuchhost.invalid:2379', password: hunter2}
        postgresql:
          connect_address: 10.0.0.1:5432
          data_dir: /nonexistent/data
          bin_dir: /usr/lib/postgresql/15/bin
          authentication:
            superuser: {username: postgres, password: 42}
            replication: {username: rep, password: hunter2}
        tags: {nofailover: 'yes'}
        """);
    List<ConfigProblem> problems = ConfigValidator.forVersion(PatroniVersion.V4_1).validate(config);
    assertThat(problems).extracting(ConfigProblem::path).contains("postgresql.listen", "tags.nofailover",
        "restapi.connect_address", "postgresql.authentication.superuser.password", "etcd3.hosts");
    ConfigProblem listen = problems.stream().filter(p -> p.path().equals("postgresql.listen")).findFirst()
        .orElseThrow();
    assertThat(listen.problem()).isEqualTo("is not defined.");
    ConfigProblem tag = problems.stream().filter(p -> p.path().equals("tags.nofailover")).findFirst().orElseThrow();
    assertThat(tag.expected()).isEqualTo("a boolean");
    assertThat(tag.value()).isEqualTo("yes");
    ConfigProblem password = problems.stream()
        .filter(p -> p.path().equals("postgresql.authentication.superuser.password")).findFirst().orElseThrow();
    assertThat(password.expected()).isEqualTo("a string");
    assertThat(password.value()).isEqualTo("******");
    try {
      ConfigValidator.forVersion(PatroniVersion.V4_1).requireValid(config);
    } catch (ConfigValidationException e) {
      assertThat(e.getMessage()).contains("postgresql.listen").doesNotContain("hunter2");
      assertThat(e.problems()).isEqualTo(problems);
      return;
    }
    throw new AssertionError("requireValid accepted an invalid configuration");
  }
}
