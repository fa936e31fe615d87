package dev.patroni4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated configurations hold what each way of creating a member needs, and the real {@code
 * patroni --validate-config} of every version accepts them. (Real Patroni starting them: {@code
 * GeneratedConfigStartTest} in patroni-client, where clusters run.)
 */
class ConfigGeneratorTest {
  @TempDir static Path dir;
  static ServerSocket dcs;

  @BeforeAll
  static void listen() throws IOException {
    dcs = ValidatorAgreementTest.acceptingSocket();
  }

  @AfterAll
  static void close() throws IOException {
    dcs.close();
  }

  static ClusterSpec spec() {
    return ClusterSpec.builder("billing")
        .dcs(PatroniConfig.DcsType.ETCD3, Map.of("hosts", "127.0.0.1:" + dcs.getLocalPort(),
            "username", "patroni", "password", "etcd-secret"))
        .superuser("postgres", Secret.of("su-secret"))
        .replication("replicator", Secret.of("rep-secret"))
        .rewind("rewind_user", Secret.of("rew-secret"))
        .restApiAuthentication("admin", Secret.of("rest-secret"))
        .pgHba("local all all trust")
        .pgHba("host replication replicator 10.0.0.0/24 scram-sha-256")
        .dynamicConfig("ttl", 20L)
        .postgresParameter("max_connections", 200L)
        .build();
  }

  static MemberHost host(String name, String dataDir) throws IOException {
    return MemberHost.builder(name).address("10.0.0.7").listenOn("127.0.0.1")
        .restApiPort(ValidatorAgreementTest.freePort()).postgresPort(ValidatorAgreementTest.freePort())
        .dataDir(dataDir).binDir(ValidatorCorpus.BIN_DIR).pgpass(dir.resolve("pgpass").toString())
        .parameter("unix_socket_directories", "/var/run/postgresql").tag("nofailover", false).build();
  }

  static StandaloneServer server(String dataDir, int port) {
    return new StandaloneServer(dataDir, port, 15, List.of(
        new StandaloneServer.Setting("max_connections", "300", "integer", "configuration file"),
        new StandaloneServer.Setting("shared_buffers", "256MB", "integer", "configuration file"),
        new StandaloneServer.Setting("port", String.valueOf(port), "integer", "configuration file"),
        new StandaloneServer.Setting("listen_addresses", "*", "string", "configuration file"),
        new StandaloneServer.Setting("work_mem", "8MB", "integer", "configuration file"),
        new StandaloneServer.Setting("archive_mode", "on", "enum", "configuration file"),
        new StandaloneServer.Setting("primary_conninfo", "host=old password=old-secret", "string",
            "configuration file")),
        StandaloneServer.hbaLines("""
            # TYPE  DATABASE USER ADDRESS METHOD
            local   all      all          peer   # the DBA's comment
            host    all      all  10.0.0.0/24 scram-sha-256

            """));
  }

  @Test
  void aNewClusterBootstrapsWithTheSpecsDynamicConfigAndInitdb() throws IOException {
    PatroniConfig config = ConfigGenerator.newCluster(spec(), host("db1", dir.resolve("new").toString()));
    assertThat(config.scope()).contains("billing");
    assertThat(config.name()).contains("db1");
    assertThat(config.restApi().connectAddress().orElseThrow()).startsWith("10.0.0.7:");
    assertThat(config.bootstrap().dcs()).containsEntry("ttl", 20L).containsEntry("loop_wait", 10L);
    assertThat(config.get("bootstrap.dcs.postgresql.parameters.max_connections")).contains(200L);
    assertThat(config.get("bootstrap.dcs.postgresql.use_pg_rewind")).contains(true);
    assertThat(config.bootstrap().initdb()).containsExactly(Map.of("encoding", "UTF8"), "data-checksums");
    assertThat(config.bootstrap().pgHba()).containsExactlyElementsOf(spec().pgHba());
    assertThat(config.postgresql().authentication().rewind().orElseThrow().password())
        .contains(Secret.of("rew-secret"));
    assertThat(config.dcs().orElseThrow().password()).contains(Secret.of("etcd-secret"));
    assertThat(config.tags().nofailover()).contains(false);
    assertThat(ConfigValidator.forVersion(PatroniVersion.V3_0).validate(config)).isEmpty();
    assertThat(ConfigValidator.forVersion(PatroniVersion.V4_1).validate(config)).isEmpty();
  }

  @Test
  void aNewMemberSharesTheRunningClustersSettingsAndCannotBootstrap() throws IOException {
    PatroniConfig peer = ConfigGenerator.newCluster(spec(), host("db1", dir.resolve("peer").toString()));
    ClusterSpec running = ClusterSpec.fromMemberConfig(PatroniConfig.parse(peer.toYaml()));
    assertThat(running).isEqualTo(spec());
    PatroniConfig member = ConfigGenerator.newMember(running, List.of("db1", "db2"),
        host("db3", dir.resolve("db3").toString()));
    assertThat(member.asMap()).doesNotContainKey("bootstrap");
    assertThat(member.name()).contains("db3");
    assertThat(member.dcs()).isEqualTo(peer.dcs());
    assertThat(member.postgresql().authentication()).isEqualTo(peer.postgresql().authentication());
    assertThat(member.restApi().authentication()).isEqualTo(peer.restApi().authentication());
    assertThat(member.postgresql().pgHba()).isEqualTo(peer.postgresql().pgHba());
    assertThat(ConfigValidator.forVersion(PatroniVersion.V4_0).validate(member)).isEmpty();
  }

  @Test
  void aNameThatIsTakenIsRefused() throws IOException {
    MemberHost db2 = host("db2", dir.resolve("db2").toString());
    assertThatThrownBy(() -> ConfigGenerator.newMember(spec(), List.of("db1", "db2"), db2))
        .isInstanceOf(PatroniConfigException.class).hasMessageContaining("db2").hasMessageContaining("[db1, db2]");
  }

  @Test
  void aStandaloneServerKeepsItsSettingsAndRulesAndLeavesPatronisOwn() throws IOException {
    Path data = fakeDataDirectory("standalone");
    MemberHost host = MemberHost.builder("db1").address("10.0.0.7").listenOn("127.0.0.1").postgresPort(5433)
        .restApiPort(ValidatorAgreementTest.freePort()).dataDir(data.toString()).binDir(ValidatorCorpus.BIN_DIR)
        .build();
    PatroniConfig config = ConfigGenerator.standalone(spec(), server(data.toString(), 5433), host);
    assertThat(config.postgresql().listen()).contains("127.0.0.1:5433");
    assertThat(config.postgresql().parameters()).containsEntry("shared_buffers", "256MB")
        .containsEntry("work_mem", "8MB").containsEntry("archive_mode", "on")
        .doesNotContainKeys("port", "listen_addresses", "primary_conninfo", "max_connections");
    // Patroni takes max_connections from the DCS only: the server's value seeds it
    assertThat(config.get("bootstrap.dcs.postgresql.parameters.max_connections")).contains(300L);
    assertThat(config.postgresql().pgHba()).containsExactly("local   all      all          peer",
        "host    all      all  10.0.0.0/24 scram-sha-256", "local all all trust",
        "host replication replicator 10.0.0.0/24 scram-sha-256");
    assertThat(config.toYaml()).doesNotContain("old-secret");
    assertThat(ConfigValidator.forVersion(PatroniVersion.V3_0).validate(config)).isEmpty();
  }

  @Test
  void aStandaloneServerOnAnotherDirectoryOrPortIsRefused() throws IOException {
    Path data = fakeDataDirectory("other");
    MemberHost host = MemberHost.builder("db1").address("10.0.0.7").dataDir(data.toString()).build();
    assertThatThrownBy(() -> ConfigGenerator.standalone(spec(), server(data.toString(), 5433), host))
        .isInstanceOf(PatroniConfigException.class).hasMessageContaining("5432").hasMessageContaining("5433");
    assertThatThrownBy(() -> ConfigGenerator.standalone(spec(), server("/srv/elsewhere", 5432), host))
        .isInstanceOf(PatroniConfigException.class).hasMessageContaining("/srv/elsewhere");
  }

  @Test
  void anIncludeInPgHbaIsRefusedWithItsLine() {
    assertThatThrownBy(() -> StandaloneServer.hbaLines("local all all peer\ninclude_dir hba.d\n"))
        .isInstanceOf(PatroniConfigException.class).hasMessageContaining("line 2");
  }

  @Test
  void secretsAreNotInToString() throws IOException {
    ClusterSpec spec = spec();
    MemberHost host = host("db1", dir.resolve("x").toString());
    PatroniConfig config = ConfigGenerator.newCluster(spec, host);
    for (String text : List.of(spec.toString(), host.toString(), config.toString(),
        config.postgresql().toString(), config.restApi().toString(), config.dcs().orElseThrow().toString())) {
      assertThat(text).doesNotContain("su-secret", "rep-secret", "rew-secret", "rest-secret", "etcd-secret");
    }
    assertThat(config.toYaml()).contains("su-secret", "etcd-secret");
    assertThat(server("/d", 5432).toString()).contains("work_mem=8MB").doesNotContain("old-secret");
  }

  @Test
  void missingSpecPartsAreNamed() {
    assertThatThrownBy(() -> ClusterSpec.builder("x").superuser("p", Secret.of("s")).build())
        .hasMessageContaining("DCS");
    assertThatThrownBy(() -> ClusterSpec.builder("x").dcs(PatroniConfig.DcsType.ETCD3, Map.of()).build())
        .hasMessageContaining("superuser");
    assertThatThrownBy(() -> MemberHost.builder("m").dataDir("/d").build()).hasMessageContaining("address");
    assertThatThrownBy(() -> ClusterSpec.fromMemberConfig(PatroniConfig.parse("scope: s\nname: n\n")))
        .hasMessageContaining("DCS section");
  }

  @ParameterizedTest(name = "Patroni {0}")
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void patronisValidatorAcceptsEveryGeneratedConfig(String release) throws Exception {
    Optional<Path> home = Python.patroniHome(release);
    if (home.isEmpty() && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("Patroni " + release + " is not installed: bin/prereqs must install it");
    }
    Assumptions.assumeTrue(home.isPresent(), "Patroni " + release + " is not installed here");
    ClusterSpec spec = spec();
    Path data = fakeDataDirectory("validated");
    List<ValidatorCorpus.Case> cases = new ArrayList<>();
    cases.add(new ValidatorCorpus.Case("new cluster",
        ConfigGenerator.newCluster(spec, host("db1", dir.resolve("v-new").toString())).toYaml()));
    cases.add(new ValidatorCorpus.Case("new member",
        ConfigGenerator.newMember(spec, List.of("db1"), host("db2", dir.resolve("v-member").toString())).toYaml()));
    MemberHost standaloneHost = MemberHost.builder("db1").address("db1.example.com").listenOn("127.0.0.1")
        .postgresPort(ValidatorAgreementTest.freePort()).restApiPort(ValidatorAgreementTest.freePort())
        .dataDir(data.toString()).binDir(ValidatorCorpus.BIN_DIR).build();
    int port = Integer.parseInt(standaloneHost.postgresListen().substring(10));
    cases.add(new ValidatorCorpus.Case("standalone",
        ConfigGenerator.standalone(spec, server(data.toString(), port), standaloneHost).toYaml()));
    // the control: a member on a local connect_address, which every version refuses
    cases.add(new ValidatorCorpus.Case("control", ConfigGenerator.newMember(spec, List.of(),
        MemberHost.builder("db9").address("127.0.0.1").dataDir(dir.resolve("v-9").toString()).build()).toYaml()));
    Map<String, Boolean> verdicts = ValidatorAgreementTest.patroniVerdicts(home.orElseThrow(), cases, dir);
    assertThat(verdicts).containsEntry("new cluster", true).containsEntry("new member", true)
        .containsEntry("standalone", true).containsEntry("control", false);
  }

  private static Path fakeDataDirectory(String name) throws IOException {
    Path data = Files.createDirectories(dir.resolve(name));
    Files.writeString(data.resolve("PG_VERSION"), "15\n");
    Files.createDirectories(data.resolve("pg_wal"));
    return data;
  }
}
