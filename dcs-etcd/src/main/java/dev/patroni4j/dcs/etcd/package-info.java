/**
 * Patroni's DCS state on etcd v3: {@link dev.patroni4j.dcs.etcd.EtcdDcsClient}, the
 * {@link dev.patroni4j.client.dcs.DcsClient} for clusters whose {@code patroni.yml} has an {@code etcd3:} section.
 *
 * <pre>{@code
 * import dev.patroni4j.client.dcs.ClusterRef;
 * import dev.patroni4j.client.dcs.DcsEvent;
 * import dev.patroni4j.client.dcs.DcsWatch;
 * import dev.patroni4j.client.model.ClusterView;
 * try (EtcdDcsClient dcs = EtcdDcsClient.builder().endpoint(URI.create("http://10.0.0.5:2379")).build()) {
 *   ClusterRef demo = ClusterRef.of("demo");
 *   ClusterView view = dcs.snapshot(demo).toClusterView();          // what GET /cluster would show
 *   try (DcsWatch watch = dcs.watch(demo, event -> {
 *     if (event instanceof DcsEvent.LeaderChanged c) System.out.println("leader: " + c.current());
 *   })) {
 *     // events arrive on the listener until the watch is closed
 *   }
 * }
 * }</pre>
 *
 * <p>Built on jetcd-core 0.8.7 over grpc-netty (Netty 4.1, never Vert.x); no jetcd, gRPC or Netty type appears in
 * this package's API.
 */
@NullMarked
package dev.patroni4j.dcs.etcd;

import org.jspecify.annotations.NullMarked;
