package dev.patroni4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The typed sections read what Patroni reads, keep what they do not know, and never show secrets. */
class PatroniConfigTest {
  static final String FULL = """
      scope: billing
      namespace: /svc/
      name: db1
      future_top_level: {kept: yes}
      restapi:
        listen: 0.0.0.0:8008
        connect_address: db1.example.com:8008
        authentication: {username: admin, password: rest-pw}
        certfile: /etc/patroni/server.crt
        keyfile: /etc/patroni/server.key
        keyfile_password: key-pw
        verify_client: required
        server_tokens: Minimal
      ctl: {insecure: on, cacert: /etc/patroni/ca.crt}
      etcd3:
        hosts: [etcd1:2379, etcd2:2379]
        protocol: https
        username: patroni
        password: etcd-pw
      bootstrap:
        dcs: {ttl: 30, loop_wait: 10}
        method: walg
        walg: {command: /usr/local/bin/restore, no_params: true}
        initdb: [{encoding: UTF8}, data-checksums]
        pg_hba: [host replication replicator 10.0.0.0/24 scram-sha-256]
      postgresql:
        listen: 0.0.0.0:5432
        connect_address: db1.example.com:5432
        data_dir: /var/lib/postgresql/15/main
        bin_dir: /usr/lib/postgresql/15/bin
        config_dir: /etc/postgresql/15/main
        pgpass: /tmp/pgpass0
        authentication:
          superuser: {username: postgres, password: su-pw}
          replication: {username: replicator, password: rep-pw, sslmode: require}
          rewind: {username: rewind_user, password: rew-pw}
        parameters: {max_connections: 0200, archive_mode: 'on'}
        pg_hba: [local all all peer]
        recovery_conf: {recovery_min_apply_delay: 1h}
        callbacks: {on_role_change: /usr/local/bin/notify}
        create_replica_methods: [walg, basebackup]
        walg: {command: /usr/local/bin/clone}
        basebackup: [{checkpoint: fast}]
        use_pg_rewind: yes
        custom_future: [1, 2]
      watchdog: {mode: off, device: /dev/watchdog, safety_margin: 5}
      tags: {nofailover: no, failover_priority: 2, clonefrom: true, zone: b}
      log: {level: INFO, dir: /var/log/patroni}
      """;

  @Test
  void everySectionReadsWhatPatroniReadsAndKeepsUnknownKeys() {
    PatroniConfig c = PatroniConfig.parse(FULL);
    assertThat(c.scope()).contains("billing");
    assertThat(c.namespace()).isEqualTo("/svc/");
    assertThat(c.get("future_top_level.kept")).contains(true);
    assertThat(c.restApi().listen()).contains("0.0.0.0:8008");
    assertThat(c.restApi().keyfilePassword()).contains(Secret.of("key-pw"));
    assertThat(c.restApi().other()).containsEntry("server_tokens", "Minimal");
    assertThat(c.ctl().insecure()).contains(true);
    PatroniConfig.Dcs dcs = c.dcs().orElseThrow();
    assertThat(dcs.type()).isEqualTo(PatroniConfig.DcsType.ETCD3);
    assertThat(dcs.hosts()).containsExactly("etcd1:2379", "etcd2:2379");
    assertThat(dcs.protocol()).contains("https");
    assertThat(c.bootstrap().method()).contains("walg");
    assertThat(c.bootstrap().methods().get("walg")).containsEntry("no_params", true);
    assertThat(c.bootstrap().pgHba()).hasSize(1);
    PatroniConfig.Postgresql pg = c.postgresql();
    assertThat(pg.configDir()).contains("/etc/postgresql/15/main");
    assertThat(pg.authentication().replication().orElseThrow().options()).containsEntry("sslmode", "require");
    assertThat(pg.parameters()).containsEntry("max_connections", 128L).containsEntry("archive_mode", "on");
    assertThat(pg.recoveryConf()).containsEntry("recovery_min_apply_delay", "1h");
    assertThat(pg.callbacks()).containsEntry("on_role_change", "/usr/local/bin/notify");
    assertThat(pg.createReplicaMethods()).containsExactly("walg", "basebackup");
    assertThat(pg.replicaMethods()).containsKey("walg");
    assertThat(pg.usePgRewind()).contains(true);
    assertThat(pg.other()).containsKeys("custom_future", "basebackup");
    assertThat(c.watchdog().mode()).contains("off");
    assertThat(c.watchdog().safetyMargin()).contains(5L);
    assertThat(c.tags().nofailover()).contains(false);
    assertThat(c.tags().failoverPriority()).contains(2L);
    assertThat(c.tags().other()).containsEntry("zone", "b");
    assertThat(c.log().dir()).contains("/var/log/patroni");
    // written out and read back: the same configuration, unknown keys included
    assertThat(PatroniConfig.parse(c.toYaml())).isEqualTo(c);
  }

  @Test
  void secretsAreNeverInToString() {
    PatroniConfig c = PatroniConfig.parse(FULL);
    String all = c + " " + c.restApi() + " " + c.ctl() + " " + c.dcs() + " " + c.postgresql() + " "
        + c.bootstrap() + " " + c.asMap();
    assertThat(all).doesNotContain("rest-pw", "key-pw", "etcd-pw", "su-pw", "rep-pw", "rew-pw");
    assertThat(c.toYaml()).contains("su-pw");
  }

  @Test
  void aDirectoryIsMergedInNameOrder(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("00-base.yml"), "scope: a\nname: n\npostgresql: {data_dir: /d, listen: x}\n");
    java.nio.file.Files.writeString(dir.resolve("10-site.yaml"), "scope: b\npostgresql: {data_dir: /e}\n");
    java.nio.file.Files.writeString(dir.resolve("ignored.txt"), "scope: c\n");
    PatroniConfig c = PatroniConfig.read(dir);
    assertThat(c.scope()).contains("b");
    assertThat(c.postgresql().dataDir()).contains("/e");
    assertThat(c.postgresql().listen()).contains("x");
  }

  static final Map<String, String> ENVIRONMENT = env(
      "PATRONI_SCOPE", "batman", "PATRONI_NAME", "pg1", "PATRONI_NAMESPACE", "/svc/",
      "PATRONI_RESTAPI_LISTEN", "0.0.0.0:8008", "PATRONI_RESTAPI_CONNECT_ADDRESS", "10.0.0.1:8008",
      "PATRONI_RESTAPI_USERNAME", "admin", "PATRONI_RESTAPI_PASSWORD", "rest-pw",
      "PATRONI_RESTAPI_CERTFILE", "/etc/c.pem", "PATRONI_RESTAPI_ALLOWLIST", "[10.0.0.0/8, 127.0.0.1]",
      "PATRONI_CTL_INSECURE", "true",
      "PATRONI_POSTGRESQL_LISTEN", "0.0.0.0:5432", "PATRONI_POSTGRESQL_CONNECT_ADDRESS", "10.0.0.1:5432",
      "PATRONI_POSTGRESQL_DATA_DIR", "/data", "PATRONI_POSTGRESQL_BIN_DIR", "/usr/lib/postgresql/15/bin",
      "PATRONI_POSTGRESQL_PGPASS", "/tmp/pgpass", "PATRONI_SUPERUSER_USERNAME", "postgres",
      "PATRONI_SUPERUSER_PASSWORD", "su-pw", "PATRONI_REPLICATION_USERNAME", "rep",
      "PATRONI_REPLICATION_PASSWORD", "rep-pw", "PATRONI_REPLICATION_SSLMODE", "require",
      "PATRONI_REWIND_USERNAME", "rw", "PATRONI_REWIND_PASSWORD", "rw-pw",
      "PATRONI_ETCD3_HOSTS", "'etcd1:2379','etcd2:2379'", "PATRONI_ETCD3_PROTOCOL", "https",
      "PATRONI_ETCD3_USERNAME", "u", "PATRONI_ETCD3_PASSWORD", "etcd-pw",
      "PATRONI_LOG_LEVEL", "DEBUG", "PATRONI_LOG_DIR", "/var/log/patroni",
      "PATRONI_admin_PASSWORD", "admin-pw", "PATRONI_admin_OPTIONS", "createrole,createdb",
      "PATRONI_NOT_A_SETTING", "ignored", "PATRONICTL_CONFIG_FILE", "/x");

  @ParameterizedTest(name = "Patroni {0}")
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void environmentOverridesAreThoseOfPatroni(String release) throws Exception {
    Optional<Path> home = Python.patroniHome(release);
    if (home.isEmpty() && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("Patroni " + release + " is not installed: bin/prereqs must install it");
    }
    Assumptions.assumeTrue(home.isPresent(), "Patroni " + release + " is not installed here");
    Path patroniHome = home.orElseThrow();
    Map<String, String> env = new LinkedHashMap<>(ENVIRONMENT);
    if (!patroniHome.toString().equals("/")) {
      env.put("PYTHONPATH", Python.pythonPath(patroniHome));
    }
    String script = "import json\nfrom patroni.config import Config\n"
        + "print(json.dumps(Config._build_environment_configuration()))\n";
    String patronis = String.join("\n", Python.run(script, List.of(), "", env));
    PatroniConfig ours = PatroniConfig.fromEnvironment(ENVIRONMENT, PatroniVersion.forRelease(release));
    assertThat(ours.asMap()).isEqualTo(PatroniConfig.parse(patronis).asMap());
    assertThat(ours.postgresql().authentication().superuser().orElseThrow().password()).contains(Secret.of("su-pw"));
    assertThat(ours.toString()).doesNotContain("su-pw");
  }

  @Test
  void theEnvironmentOverridesTheFile() {
    PatroniConfig file = PatroniConfig.parse(FULL);
    PatroniConfig c = file.withEnvironment(Map.of("PATRONI_POSTGRESQL_DATA_DIR", "/srv/data",
        "PATRONI_SUPERUSER_PASSWORD", "from-env", "PATRONI_SCOPE", "other"));
    assertThat(c.postgresql().dataDir()).contains("/srv/data");
    assertThat(c.scope()).contains("other");
    assertThat(c.postgresql().authentication().superuser().orElseThrow().password()).contains(Secret.of("from-env"));
    assertThat(c.postgresql().authentication().superuser().orElseThrow().username()).isEqualTo("postgres");
    assertThat(c.postgresql().binDir()).isEqualTo(file.postgresql().binDir());
  }

  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
