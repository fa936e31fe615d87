package dev.patroni4j.runbooks.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * Where a cluster's members are registered for discovery, so that a diagnosis can find a registration whose member
 * is gone (Consul's catalog with Patroni's {@code consul.register_service: true}; DNS and load balancers keep sending
 * clients there). With dcs-consul:
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * import dev.patroni4j.client.dcs.ClusterRef;
 * import dev.patroni4j.dcs.consul.ConsulDcsClient;
 * // given: ConsulDcsClient consul; ClusterRef ref; PatroniClient client;
 * ServiceRegistry catalog = () -> consul.serviceInstances(ref).stream()
 *     .map(i -> new ServiceRegistry.Registration(i.member(), i.serviceId(), i.address(), i.port()))
 *     .toList();
 * ClusterDiagnostics diagnostics = ClusterDiagnostics.builder(client).serviceRegistry(catalog).build();
 * }</pre>
 *
 * <p>Implementations are called once per diagnosis, from the diagnosing thread, and must be thread-safe if one
 * {@link ClusterDiagnostics} is shared; a {@link RuntimeException} makes the check "not observed".
 */
@FunctionalInterface
public interface ServiceRegistry {

  /** Every registration of the cluster's members, whatever its health. */
  List<Registration> registrations();

  /**
   * One registered member.
   *
   * @param member the member name the registration is for
   * @param serviceId the registry's ID of it (Consul: {@code <scope>/<member>})
   * @param address the address clients are sent to
   * @param port the port clients are sent to
   */
  record Registration(String member, String serviceId, String address, int port) {
    public Registration {
      Objects.requireNonNull(member, "member == null");
      Objects.requireNonNull(serviceId, "serviceId == null");
      Objects.requireNonNull(address, "address == null");
    }
  }
}
