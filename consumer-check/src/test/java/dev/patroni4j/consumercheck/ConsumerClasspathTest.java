package dev.patroni4j.consumercheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What a user gets through {@code patroni4j-bom} is what the tests ran with.
 *
 * <p>Stages this build's poms and jars as a Maven repository under {@code target/}, generates a
 * consumer project that imports the BOM with the README's own block and depends on one published
 * module per sub-project (and on all of them in one more), resolves it with a separate Maven process whose only other
 * repository is the local one this build used (so no network, and nothing of ours lands in
 * {@code ~/.m2}), and compares each resolved runtime classpath with the one the module's own build
 * wrote to {@code target/tested-runtime-classpath.txt}.
 */
class ConsumerClasspathTest {

  private static final String GROUP_ID = "dev.patroni4j";
  private static final String TESTED_LIST = "target/tested-runtime-classpath.txt";
  private static final String CONSUMER_LIST = "runtime-classpath.txt";
  private static final String ALL_MODULES = "all-modules";
  private static final Pattern README_BOM_IMPORT = Pattern.compile(
      "```xml\\n.*?(<dependencyManagement>.*?patroni4j-bom.*?</dependencyManagement>).*?```",
      Pattern.DOTALL);

  private final Path root = Path.of(property("patroni4j.rootDirectory")).normalize();
  private final Path work = Path.of(property("patroni4j.workDirectory"));

  @Test
  void aConsumerImportingTheBomGetsTheRuntimeClasspathEachModuleWasTestedWith() throws Exception {
    Path bomPom = root.resolve("bom/pom.xml");
    String version = text(parse(bomPom).getDocumentElement(), "version");
    List<String> published = publishedArtifacts(bomPom);
    assertThat(published).as("the BOM's own artifacts").isNotEmpty();

    deleteRecursively(work);
    Path repository = work.resolve("repository");
    stagePom(repository, bomPom);
    for (String artifactId : published) {
      Path module = root.resolve(artifactId);
      stagePom(repository, module.resolve("pom.xml"));
      Path jar = module.resolve("target/" + artifactId + "-" + version + ".jar");
      assertThat(jar).as("%s is packaged (run mvn verify, not only test)", artifactId).isRegularFile();
      copy(jar, artifactDirectory(repository, artifactId, version).resolve(jar.getFileName()));
    }

    Path consumer = work.resolve("consumer");
    writeConsumer(consumer, readmeBomImport(), published);
    resolve(consumer, repository);

    Map<String, Map<String, String>> differences = new TreeMap<>();
    Map<String, String> union = new TreeMap<>();
    List<String> conflicts = new ArrayList<>();
    for (String artifactId : published) {
      Map<String, String> tested = read(root.resolve(artifactId).resolve(TESTED_LIST));
      Map<String, String> got = read(consumer.resolve(artifactId).resolve(CONSUMER_LIST));
      got.remove(GROUP_ID + ":" + artifactId);
      differences.put(artifactId, compare(tested, got));
      tested.forEach((key, testedVersion) -> {
        String other = union.putIfAbsent(key, testedVersion);
        if (other != null && !other.equals(testedVersion)) {
          conflicts.add(key + " tested at " + other + " and at " + testedVersion);
        }
      });
    }
    Map<String, String> all = read(consumer.resolve(ALL_MODULES).resolve(CONSUMER_LIST));
    published.forEach(artifactId -> union.put(GROUP_ID + ":" + artifactId, version));
    differences.put(ALL_MODULES, compare(union, all));
    differences.values().removeIf(Map::isEmpty);

    assertThat(conflicts).as("modules tested with different versions of one artifact").isEmpty();
    assertThat(differences)
        .as("consumer classpath (artifact: consumer version vs tested version), per module")
        .isEmpty();
  }

  /** Every difference: the artifact, then "consumer version, tested version" (absent: "-"). */
  private static Map<String, String> compare(Map<String, String> tested, Map<String, String> got) {
    Map<String, String> differences = new TreeMap<>();
    TreeSet<String> keys = new TreeSet<>(tested.keySet());
    keys.addAll(got.keySet());
    for (String key : keys) {
      String testedVersion = tested.getOrDefault(key, "-");
      String gotVersion = got.getOrDefault(key, "-");
      if (!testedVersion.equals(gotVersion)) {
        differences.put(key, "consumer " + gotVersion + ", tested " + testedVersion);
      }
    }
    return differences;
  }

  /** The dependency plugin's list: {@code group:artifact:type[:classifier]:version:scope}. */
  private static Map<String, String> read(Path list) throws IOException {
    assertThat(list).as("resolved classpath list").isRegularFile();
    Map<String, String> versions = new TreeMap<>();
    for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
      String[] parts = line.trim().split(":", -1);
      if (parts.length < 5) {
        continue; // the header line, or "none"
      }
      String classifier = parts.length == 6 ? ":" + parts[3] : "";
      versions.put(parts[0] + ":" + parts[1] + classifier, parts[parts.length - 2]);
    }
    return versions;
  }

  private void resolve(Path consumer, Path repository) throws IOException, InterruptedException {
    Path settings = work.resolve("settings.xml");
    Path tested = Path.of(property("patroni4j.localRepository"));
    Files.writeString(settings, """
        <settings>
          <profiles>
            <profile>
              <id>tested</id>
              <repositories>
                <repository>
                  <id>tested</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots>
                </repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository>
                  <id>tested</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots>
                </pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>tested</activeProfile></activeProfiles>
        </settings>
        """.formatted(tested.toUri()));
    List<String> command = List.of(
        Path.of(property("patroni4j.mavenHome"), "bin", "mvn").toString(),
        // Offline, but for the file:// repository: never the network, whatever the outer build.
        "-B", "--no-transfer-progress", "-fae", "-o", "-Daether.offline.protocols=file",
        "-s", settings.toString(),
        "-Dmaven.repo.local=" + repository,
        "-f", consumer.resolve("pom.xml").toString(),
        "org.apache.maven.plugins:maven-dependency-plugin:"
            + property("patroni4j.dependencyPluginVersion") + ":collect");
    Path log = work.resolve("consumer-build.log");
    Process maven = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    if (!maven.waitFor(5, TimeUnit.MINUTES)) {
      maven.destroyForcibly();
    }
    assertThat(maven.exitValue())
        .as("the consumer build (%s), its log:%n%s", String.join(" ", command),
            errorLines(log))
        .isZero();
  }

  private static String errorLines(Path log) throws IOException {
    return String.join("\n", Files.readAllLines(log).stream()
        .filter(line -> line.startsWith("[ERROR]"))
        .limit(40)
        .toList());
  }

  /** The README's {@code <dependencyManagement>} block: the consumer imports the BOM as users do. */
  private String readmeBomImport() throws IOException {
    Matcher block = README_BOM_IMPORT.matcher(Files.readString(root.resolve("README.md")));
    assertThat(block.find()).as("README.md has an xml block importing patroni4j-bom").isTrue();
    return block.group(1);
  }

  private static void writeConsumer(Path consumer, String bomImport, List<String> published)
      throws IOException {
    Map<String, List<String>> modules = new LinkedHashMap<>();
    published.forEach(artifactId -> modules.put(artifactId, List.of(artifactId)));
    modules.put(ALL_MODULES, published);
    StringBuilder moduleList = new StringBuilder();
    for (Map.Entry<String, List<String>> module : modules.entrySet()) {
      moduleList.append("    <module>").append(module.getKey()).append("</module>\n");
      StringBuilder dependencies = new StringBuilder();
      for (String artifactId : module.getValue()) {
        dependencies.append("""
                <dependency><groupId>%s</groupId><artifactId>%s</artifactId></dependency>
            """.formatted(GROUP_ID, artifactId));
      }
      Path pom = consumer.resolve(module.getKey()).resolve("pom.xml");
      Files.createDirectories(pom.getParent());
      Files.writeString(pom, """
          <project xmlns="http://maven.apache.org/POM/4.0.0">
            <modelVersion>4.0.0</modelVersion>
            <parent><groupId>consumer</groupId><artifactId>consumer</artifactId><version>1</version></parent>
            <artifactId>%s</artifactId>
            <packaging>pom</packaging>
            <dependencies>
          %s  </dependencies>
          </project>
          """.formatted(module.getKey(), dependencies));
    }
    Files.writeString(consumer.resolve("pom.xml"), """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>consumer</groupId>
          <artifactId>consumer</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <modules>
        %s  </modules>
        %s
          <properties>
            <includeScope>runtime</includeScope>
            <outputFile>%s</outputFile>
          </properties>
        </project>
        """.formatted(moduleList, bomImport, CONSUMER_LIST));
  }

  /** Stages a pom and, up its {@code <parent>} chain, every pom of this build it inherits from. */
  private void stagePom(Path repository, Path pomFile) throws Exception {
    Element project = parse(pomFile).getDocumentElement();
    Optional<Element> parent = child(project, "parent");
    String artifactId = text(project, "artifactId");
    String version = child(project, "version").map(Node::getTextContent)
        .orElseGet(() -> text(parent.orElseThrow(), "version"));
    copy(pomFile, artifactDirectory(repository, artifactId, version)
        .resolve(artifactId + "-" + version + ".pom"));
    if (parent.isPresent() && text(parent.get(), "groupId").equals(GROUP_ID)) {
      String relativePath = child(parent.get(), "relativePath").map(Node::getTextContent)
          .orElse("../pom.xml");
      Path parentPom = Objects.requireNonNull(pomFile.getParent()).resolve(relativePath).normalize();
      stagePom(repository, Files.isDirectory(parentPom) ? parentPom.resolve("pom.xml") : parentPom);
    }
  }

  private static List<String> publishedArtifacts(Path bomPom) throws Exception {
    Element management = child(parse(bomPom).getDocumentElement(), "dependencyManagement")
        .flatMap(element -> child(element, "dependencies"))
        .orElseThrow();
    List<String> artifacts = new ArrayList<>();
    for (Node node = management.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element dependency && text(dependency, "groupId").equals(GROUP_ID)) {
        artifacts.add(text(dependency, "artifactId"));
      }
    }
    return artifacts;
  }

  private static Path artifactDirectory(Path repository, String artifactId, String version) {
    return repository.resolve(GROUP_ID.replace('.', '/')).resolve(artifactId).resolve(version);
  }

  private static Document parse(Path xml) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
  }

  private static Optional<Element> child(Element parent, String name) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return Optional.of(element);
      }
    }
    return Optional.empty();
  }

  private static String text(Element parent, String name) {
    return child(parent, name).map(element -> element.getTextContent().trim()).orElseThrow(
        () -> new IllegalStateException("<" + parent.getTagName() + "> has no <" + name + ">"));
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (the pom sets it)");
    }
    return value;
  }
}
