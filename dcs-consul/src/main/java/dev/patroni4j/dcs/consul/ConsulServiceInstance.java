package dev.patroni4j.dcs.consul;

import dev.patroni4j.client.model.Role;
import java.util.List;
import java.util.Objects;

/**
 * One Patroni member as registered in Consul's catalog ({@code consul.register_service: true}): what Consul DNS
 * answers for {@code primary.<service>.service.consul}, {@code master.<service>.service.consul} and {@code
 * replica.<service>.service.consul}.
 *
 * <p>Patroni registers each member as service {@code <service name>} with ID {@code <scope>/<member>}, the
 * PostgreSQL address and port of its {@code conn_url}, and tags: its {@code service_tags}, then its role
 * ({@code primary}, {@code replica}, {@code standby-leader}), plus {@code master} beside {@code primary} on the
 * leader (3.x writes {@code master} first). Registration follows the role within one {@code loop_wait}; Consul's
 * HTTP check on the member's REST API ({@code /primary}, {@code /replica}) is what keeps DNS honest in between.
 *
 * @param serviceId the service ID, {@code <scope>/<member>}
 * @param member the member name, from the service ID
 * @param address the PostgreSQL host
 * @param port the PostgreSQL port
 * @param tags every tag, in registration order
 * @param role the role the tags name ({@link Role.Kind#OTHER} with an empty raw value if none)
 */
public record ConsulServiceInstance(String serviceId, String member, String address, int port, List<String> tags,
    Role role) {

  public ConsulServiceInstance {
    Objects.requireNonNull(serviceId, "serviceId == null");
    Objects.requireNonNull(member, "member == null");
    Objects.requireNonNull(address, "address == null");
    tags = List.copyOf(tags);
    Objects.requireNonNull(role, "role == null");
  }

  /** True if the tags make this the leader (read-write primary, or a standby cluster's leader). */
  public boolean isLeader() {
    return role.kind() == Role.Kind.PRIMARY || role.kind() == Role.Kind.STANDBY_LEADER;
  }

  /** An instance whose role is the one its tags name, as Patroni writes them (the first role tag wins). */
  public static ConsulServiceInstance registered(String serviceId, String member, String address, int port,
      List<String> tags) {
    return new ConsulServiceInstance(serviceId, member, address, port, tags, roleOf(tags));
  }

  private static Role roleOf(List<String> tags) {
    for (String tag : tags) {
      switch (tag) {
        case "primary", "master", "replica", "standby-leader" -> {
          return Role.of(tag);
        }
        default -> { }
      }
    }
    return Role.of("");
  }
}
