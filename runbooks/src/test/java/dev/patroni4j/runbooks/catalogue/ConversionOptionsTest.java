package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.config.Secret;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversionOptionsTest {
  private static final ClusterSpec SPEC = ClusterSpec.builder("demo")
      .dcs(PatroniConfig.DcsType.ETCD3, Map.of("hosts", "127.0.0.1:2379"))
      .superuser("postgres", Secret.of("s3cret-super")).replication("replicator", Secret.of("s3cret-repl"))
      .rewind("rewind_user", Secret.of("s3cret-rewind")).build();
  private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-05T03:00:00Z");

  private static MemberHost host(String name) {
    return MemberHost.builder(name).address("10.0.0.1").restApiPort(8008).postgresPort(5432)
        .dataDir("/var/lib/postgresql/15/main").build();
  }

  @Test
  void nodesKeepTheirOrderAndTheOptionsNameNoSecret() {
    ConversionOptions o = ConversionOptions.builder(SPEC).node(host("db1"), Path.of("/etc/patroni/patroni.yml"),
        List.of("systemctl", "disable", "postgresql@15-main")).node(host("db2"), Path.of("/etc/patroni/patroni.yml"))
        .primaryRestartAt(AT).build();

    assertThat(o.nodes()).extracting(ConversionOptions.Node::name).containsExactly("db1", "db2");
    assertThat(o.findNode("db2").orElseThrow().retireOldService()).isEmpty();
    assertThat(o.maxSlotLagBytes()).isEqualTo(16L << 20);
    assertThat(o.toString()).contains("demo", "db1", "db2").doesNotContain("s3cret");
  }

  @Test
  void incompleteOrContradictoryOptionsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> ConversionOptions.builder(SPEC).primaryRestartAt(AT).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one node");
    assertThatThrownBy(() -> ConversionOptions.builder(SPEC).node(host("db1"), Path.of("/a/patroni.yml"))
        .node(host("db1"), Path.of("/b/patroni.yml")).primaryRestartAt(AT).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("db1 is given twice");
    assertThatThrownBy(() -> ConversionOptions.builder(SPEC).node(host("db1"), Path.of("patroni.yml")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be absolute");
    assertThatThrownBy(() -> ConversionOptions.builder(SPEC).node(host("db1"), Path.of("/a/patroni.yml")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primaryRestartAt is required");
    assertThatThrownBy(() -> ConversionOptions.builder(SPEC).maxSlotLagBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theScramVerifierHasPostgresFormatAndNeverTheClearPassword() {
    String v = StandaloneConversion.scramVerifier("s3cret-repl");
    assertThat(v).matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}")
        .doesNotContain("s3cret");
    assertThat(StandaloneConversion.scramVerifier("s3cret-repl")).as("a fresh salt each time").isNotEqualTo(v);
  }
}
