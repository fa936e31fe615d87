package dev.patroni4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.config.internal.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Edits change what they name and keep every other character a person wrote. */
class ConfigDocumentTest {
  /** Debian's template (the Debian 12 patroni package), filled in the way pg_createconfig_patroni does. */
  static String debianConfig() throws Exception {
    String template = Files.readString(Path.of("/etc/patroni/config.yml.in"));
    return template.replace("@VERSION@", "15").replace("@CLUSTER@", "main").replace("@HOSTNAME@", "db1")
        .replace("@DCS_CONFIG@", "etcd3:\n  hosts: 127.0.0.1:2379\n").replace("@HOSTIP@", "10.0.0.5")
        .replace("@API_PORT@", "8008").replace("@NETWORK@", "10.0.0.0/24").replace("@LISTEN_VIP@", "")
        .replace("@PORT@", "5432").replace("@DATADIR_BASE@", "/var/lib/postgresql");
  }

  /** What the test kit writes today (through ConfigGenerator and the YAML writer), copied from a run. */
  static String testkitYaml() throws Exception {
    return Python.resource("testkit-patroni.yml");
  }

  /** What the test kit wrote before it wrote through this module: JSON, which YAML 1.1 readers accept. */
  static final String TESTKIT_JSON = "{\"scope\":\"t1\",\"namespace\":\"/patroni4j/\",\"name\":\"pg1\","
      + "\"restapi\":{\"listen\":\"127.0.0.1:4001\",\"connect_address\":\"127.0.0.1:4001\"},"
      + "\"etcd3\":{\"hosts\":\"127.0.0.1:2379\"},\"bootstrap\":{\"dcs\":{\"ttl\":10,\"loop_wait\":2},"
      + "\"initdb\":[{\"encoding\":\"UTF8\"},\"data-checksums\"]},\"postgresql\":{\"listen\":\"127.0.0.1:5001\","
      + "\"data_dir\":\"/tmp/d\",\"parameters\":{\"fsync\":\"off\"}},\"tags\":{},\"watchdog\":{\"mode\":\"off\"}}";

  static final String HAND_WRITTEN = """
      # Patroni for the billing cluster -- owned by the DBA team
      scope: billing   # must match the other members
      name: db1

      restapi:
        listen: 0.0.0.0:8008
        connect_address: db1.example.com:8008

      etcd3:
        hosts:
          - etcd1.example.com:2379   # primary DC
          - etcd2.example.com:2379

      postgresql:
        listen: '*:5432'
        connect_address: db1.example.com:5432
        data_dir: /var/lib/postgresql/15/main
        bin_dir: /usr/lib/postgresql/15/bin
        # keep in sync with pg_hba in bootstrap
        parameters:
          max_connections: 200
          archive_mode: "on"
        authentication:
          superuser: {username: postgres, password: "s3cr3t"}
          replication:
            username: replicator
            password: r3pl
      tags:
        nofailover: false
      """;

  @Test
  void parsingAndWritingBackChangesNothing() throws Exception {
    for (String text : List.of(debianConfig(), testkitYaml(), TESTKIT_JSON, HAND_WRITTEN)) {
      assertThat(ConfigDocument.parse(text).text()).isEqualTo(text);
    }
  }

  @Test
  void everyEditChangesOnlyItsValueOnRealFiles() throws Exception {
    for (String text : List.of(debianConfig(), testkitYaml(), TESTKIT_JSON, HAND_WRITTEN)) {
      ConfigDocument doc = ConfigDocument.parse(text);
      check(doc, d -> d.set("postgresql.bin_dir", "/usr/lib/postgresql/17/bin"), "postgresql.bin_dir",
          "/usr/lib/postgresql/17/bin");
      check(doc, d -> d.set("postgresql.data_dir", "/srv/pg 17/data"), "postgresql.data_dir", "/srv/pg 17/data");
      check(doc, d -> d.set("postgresql.parameters.max_connections", 300L),
          "postgresql.parameters.max_connections", 300L);
      check(doc, d -> d.set("postgresql.parameters.archive_mode", "on"), "postgresql.parameters.archive_mode", "on");
      check(doc, d -> d.set("tags.nofailover", true), "tags.nofailover", true);
      check(doc, d -> d.set("scope", "0755"), "scope", "0755");
      check(doc, d -> d.set("bootstrap.dcs.ttl", 30L), "bootstrap.dcs.ttl", 30L);
      check(doc, d -> d.set("brand_new.section.key", "v"), "brand_new.section.key", "v");
      check(doc, d -> d.set("postgresql.pg_hba", List.of("local all all peer", "host all all 10.0.0.0/8 scram-sha-256")),
          "postgresql.pg_hba", List.of("local all all peer", "host all all 10.0.0.0/8 scram-sha-256"));
      check(doc, d -> d.set("etcd3.hosts", "a:2379,b:2379"), "etcd3.hosts", "a:2379,b:2379");
      check(doc, d -> d.set("tags", Map.of("clonefrom", true)), "tags", Map.of("clonefrom", true));
      check(doc, d -> d.remove("restapi.connect_address"), "restapi.connect_address", null);
      check(doc, d -> d.remove("postgresql.parameters"), "postgresql.parameters", null);
    }
  }

  @Test
  void removingAKeyTakesItsLinesAndKeepsTheComments() {
    ConfigDocument doc = ConfigDocument.parse(HAND_WRITTEN).remove("etcd3.hosts");
    assertThat(doc.text()).contains("# Patroni for the billing cluster", "# keep in sync with pg_hba",
        "scope: billing   # must match").doesNotContain("etcd1.example.com");
    assertThat(doc.config().get("etcd3")).isEmpty(); // "etcd3:" with nothing left is null
  }

  @Test
  void settingAValueKeepsTheCommentOnItsLine() {
    ConfigDocument doc = ConfigDocument.parse(HAND_WRITTEN).set("scope", "payments");
    assertThat(doc.text()).contains("scope: payments   # must match the other members");
    assertThat(doc.text().replace("scope: payments", "scope: billing")).isEqualTo(HAND_WRITTEN);
  }

  @Test
  void secretsAreNotInToString() {
    ConfigDocument doc = ConfigDocument.parse(HAND_WRITTEN);
    assertThat(doc.toString()).doesNotContain("s3cr3t");
    assertThat(doc.config().toString()).doesNotContain("s3cr3t", "r3pl");
    assertThat(doc.config().postgresql().toString()).doesNotContain("s3cr3t", "r3pl").contains("******");
    assertThat(doc.config().postgresql().authentication().superuser().orElseThrow().password().orElseThrow()
        .reveal()).isEqualTo("s3cr3t");
  }

  /**
   * The edit gives the tree of the original with exactly that change, and every line of the
   * original outside the edited entry is still there, in order.
   */
  private static void check(ConfigDocument doc, UnaryOperator<ConfigDocument> edit, String path,
      @Nullable Object value) {
    ConfigDocument edited = edit.apply(doc);
    Map<Object, Object> expected = Trees.copy(doc.config().asMap());
    applyTo(expected, path, value);
    assertThat(Trees.revealed(edited.config().asMap())).as(path + " in\n" + edited.text())
        .isEqualTo(Trees.revealed(expected));
    List<String> before = doc.text().lines().toList();
    List<String> after = edited.text().lines().toList();
    List<String> lost = new ArrayList<>();
    int j = 0;
    for (String line : before) {
      int found = after.subList(j, after.size()).indexOf(line);
      if (found < 0) {
        lost.add(line);
      } else {
        j += found + 1;
      }
    }
    String leaf = path.substring(path.lastIndexOf('.') + 1);
    // only lines of the edited entry may change: for the one-line JSON file, that line
    assertThat(lost).as("lines lost by " + path).allSatisfy(l -> assertThat(
        l.contains(leaf) || before.size() == 1 || l.startsWith(" ") || l.startsWith("-")).isTrue());
    // a scalar edit of a scalar loses its one line; a collection (old or new) at most its own lines
    assertThat(lost.size()).as("lines lost by " + path).isLessThanOrEqualTo(12);
    long commentsBefore = before.stream().filter(l -> l.strip().startsWith("#")).count();
    long commentsAfter = after.stream().filter(l -> l.strip().startsWith("#")).count();
    if (!path.equals("postgresql.parameters") && !path.equals("tags")) {
      assertThat(commentsAfter).as("comments after " + path).isEqualTo(commentsBefore);
    }
  }

  @SuppressWarnings("unchecked")
  private static void applyTo(Map<Object, Object> tree, String path, @Nullable Object value) {
    String[] parts = path.split("\\.", -1);
    Map<Object, Object> node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = node.get(parts[i]);
      if (!(next instanceof Map)) {
        if (value == null) {
          return;
        }
        next = new LinkedHashMap<>();
        node.put(parts[i], next);
      }
      node = (Map<Object, Object>) next;
    }
    if (value == null) {
      node.remove(parts[parts.length - 1]);
    } else {
      node.put(parts[parts.length - 1], value instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : value);
    }
  }
}
