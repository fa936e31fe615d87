package dev.patroni4j.dcs.etcd;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.testkit.Credentials;
import dev.patroni4j.testkit.EtcdInstallation;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniInstallation;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Patroni clusters this module's tests share (two members on one etcd, loop_wait 2, ttl 10): one on the
 * system's etcd 3.4 without auth, one on etcd 3.5 with auth on; and clients for each, with the cluster's
 * credentials when its etcd has auth on.
 */
final class PatroniOnEtcd {
  /** The password of etcd's {@code root} user on the cluster with auth on. */
  static final String ROOT_PASSWORD = "etcd-root-pw-patroni4j";

  private static final Map<String, EtcdDcsClient> DCS = new HashMap<>();
  private static final Map<String, Client> RAW = new HashMap<>();

  private PatroniOnEtcd() {}

  static LocalPatroniClusterExtension extension() {
    return LocalPatroniClusterExtension.of(builder());
  }

  /** The newest Patroni on etcd 3.5 with auth on: Patroni and every client log in as {@code root}. */
  static LocalPatroniClusterExtension authExtension() {
    return LocalPatroniClusterExtension.of(builder().patroniVersion(PatroniInstallation.NEWEST)
        .etcdVersion(EtcdInstallation.CACHED_3_5).etcdAuth("root", ROOT_PASSWORD));
  }

  private static LocalPatroniCluster.Builder builder() {
    return LocalPatroniCluster.builder()
        .members(2)
        .dynamicConfig("ttl", 10)
        .dynamicConfig("loop_wait", 2)
        .dynamicConfig("retry_timeout", 3);
  }

  static ClusterRef ref(LocalPatroniCluster cluster) {
    return ClusterRef.of(cluster.namespace(), cluster.scope());
  }

  static synchronized EtcdDcsClient dcs(LocalPatroniCluster cluster) {
    return DCS.computeIfAbsent(cluster.scope(), scope -> {
      // With auth on, etcd checks the password with bcrypt when a client logs in: slow on a loaded machine.
      EtcdDcsClient.Builder builder = EtcdDcsClient.builder().endpoint(cluster.etcdEndpoint())
          .requestTimeout(Duration.ofSeconds(cluster.etcdAuth().isPresent() ? 10 : 3));
      cluster.etcdAuth().ifPresent(c -> builder.credentials(c.username(), c.password()));
      return builder.build();
    });
  }

  static synchronized Client raw(LocalPatroniCluster cluster) {
    return RAW.computeIfAbsent(cluster.scope(), scope -> {
      ClientBuilder builder = Client.builder().endpoints(cluster.etcdEndpoint());
      cluster.etcdAuth().map(Credentials::username).ifPresent(user -> builder.user(bytes(user)));
      cluster.etcdAuth().map(Credentials::password).ifPresent(password -> builder.password(bytes(password)));
      return builder.build();
    });
  }

  /** Writes a key straight into the cluster's etcd, past the client under test. */
  static void putRaw(LocalPatroniCluster cluster, String key, String value) {
    await(raw(cluster).getKVClient().put(bytes(key), bytes(value)));
  }

  /** Deletes a key straight from the cluster's etcd, past the client under test. */
  static void deleteRaw(LocalPatroniCluster cluster, String key) {
    await(raw(cluster).getKVClient().delete(bytes(key)));
  }

  static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static void await(CompletableFuture<?> future) {
    try {
      future.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Closes every client made so far; the next call makes new ones. */
  static synchronized void closeClients() {
    DCS.values().forEach(EtcdDcsClient::close);
    DCS.clear();
    RAW.values().forEach(Client::close);
    RAW.clear();
  }
}
