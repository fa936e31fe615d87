package dev.patroni4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The differential test: a few hundred configurations validated by this module and by the real
 * Patroni's validator (the entry point {@code --validate-config} uses, many files in one Python
 * process), per version; every disagreement must be one explained below.
 */
class ValidatorAgreementTest {
  /** Cases where the verdicts differ on purpose, with the reason. */
  static final Map<String, String> EXPLAINED = Map.of();

  @TempDir static Path dir;
  static ServerSocket dcs;
  static List<ValidatorCorpus.Case> corpus;

  @BeforeAll
  static void corpus() throws IOException {
    dcs = acceptingSocket();
    int rest = freePort();
    int pg = freePort();
    Map<String, Object> full = ValidatorCorpus.fullBase(rest, pg, dcs.getLocalPort(), dir);
    corpus = new ArrayList<>(ValidatorCorpus.mutations("full", full));
    corpus.addAll(ValidatorCorpus.mutations("consul",
        ValidatorCorpus.consulBase(rest, pg, dcs.getLocalPort(), dir)));
    corpus.addAll(ValidatorCorpus.quirks(full, dir));
  }

  @AfterAll
  static void close() throws IOException {
    dcs.close();
  }

  /**
   * A loopback socket that accepts and closes every connection until it is closed: Patroni's
   * validator connects to the DCS hosts, so something must listen there.
   */
  static ServerSocket acceptingSocket() throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!socket.isClosed()) {
        try {
          socket.accept().close();
        } catch (IOException e) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    return socket;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @ParameterizedTest(name = "Patroni {0}")
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void verdictsAgreeWithPatronisValidator(String release) throws Exception {
    Optional<Path> home = Python.patroniHome(release);
    if (home.isEmpty() && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("Patroni " + release + " is not installed: bin/prereqs must install it");
    }
    Assumptions.assumeTrue(home.isPresent(), "Patroni " + release + " is not installed here");
    Map<String, Boolean> patroni = patroniVerdicts(home.orElseThrow(), corpus, dir);
    ConfigValidator validator = ConfigValidator.forVersion(PatroniVersion.forRelease(release));
    List<String> disagreements = new ArrayList<>();
    int agree = 0;
    for (ValidatorCorpus.Case c : corpus) {
      boolean ours = verdict(validator, c.yaml());
      if (Boolean.valueOf(ours).equals(patroni.get(c.name()))) {
        agree++;
      } else {
        disagreements.add(c.name() + " (patroni says " + (Boolean.TRUE.equals(patroni.get(c.name())) ? "valid" : "invalid") + ")");
      }
    }
    System.out.printf("validator agreement with Patroni %s: %d/%d = %.1f%%%n", release, agree, corpus.size(),
        100.0 * agree / corpus.size());
    disagreements.forEach(d -> System.out.println("  disagreement: " + d));
    assertThat(corpus.size()).isGreaterThan(300);
    assertThat(disagreements.stream().map(d -> d.substring(0, d.indexOf(" (patroni")))
        .filter(d -> !EXPLAINED.containsKey(release + " " + d)).toList()).isEmpty();
  }

  static boolean verdict(ConfigValidator validator, String yaml) {
    try {
      return validator.validate(PatroniConfig.parse(yaml)).isEmpty();
    } catch (ConfigParseException e) {
      return false;
    }
  }

  /** Verdicts of the real validator: one Python process for the whole corpus. */
  static Map<String, Boolean> patroniVerdicts(Path home, List<ValidatorCorpus.Case> cases, Path dir)
      throws Exception {
    Path caseDir = Files.createTempDirectory(dir, "cases");
    StringBuilder names = new StringBuilder();
    Map<String, String> fileToCase = new LinkedHashMap<>();
    for (int i = 0; i < cases.size(); i++) {
      Path f = caseDir.resolve(i + ".yml");
      Files.writeString(f, cases.get(i).yaml());
      names.append(f).append('\n');
      fileToCase.put(f.toString(), cases.get(i).name());
    }
    Map<String, String> env = home.toString().equals("/") ? Map.of()
        : Map.of("PYTHONPATH", Python.pythonPath(home));
    List<String> lines = Python.run(Python.resource("validate_many.py"), List.of(), names.toString(), env);
    Map<String, Boolean> verdicts = new LinkedHashMap<>();
    for (String line : lines) {
      int start = line.indexOf("\"file\": \"") + 9;
      String file = line.substring(start, line.indexOf('"', start));
      verdicts.put(fileToCase.get(file), line.contains("\"valid\": true"));
    }
    assertThat(verdicts).hasSize(cases.size());
    return verdicts;
  }
}
