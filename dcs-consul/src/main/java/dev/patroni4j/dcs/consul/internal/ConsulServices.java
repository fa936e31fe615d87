package dev.patroni4j.dcs.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.dcs.consul.ConsulServiceInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Consul service discovery for Patroni clusters ({@code register_service: true}): the catalog's registrations and
 * what Consul DNS answers, read through the DCS client's transport. Thread-safe.
 */
public final class ConsulServices {
  private final ConsulTransport transport;

  public ConsulServices(ConsulTransport transport) {
    this.transport = transport;
  }

  /**
   * The Consul service name Patroni registers a scope under: lower case, {@code .}, {@code _} and space as
   * {@code -}, any other character outside {@code [a-z0-9-]} as {@code u} and its code point in 4 digits, at most
   * 230 characters (so that {@code replica.<name>.service.consul} is a valid DNS name).
   */
  public static String serviceName(String scope) {
    StringBuilder name = new StringBuilder();
    scope.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
        name.appendCodePoint(c);
      } else if (c == '.' || c == '_' || c == ' ') {
        name.append('-');
      } else {
        name.append('u').append(String.format(Locale.ROOT, "%04d", c));
      }
    });
    return name.length() > 230 ? name.substring(0, 230) : name.toString();
  }

  /**
   * Every member of a cluster registered in Consul's catalog, sorted by member name, whatever its health: a
   * member whose Patroni died stays registered (with its last role tag) until Consul deregisters it.
   */
  public List<ConsulServiceInstance> serviceInstances(ClusterRef cluster) {
    String service = serviceName(cluster.scope());
    JsonNode nodes = serviceRead("serviceInstances", "catalog/service/" + service, service);
    List<ConsulServiceInstance> instances = new ArrayList<>();
    for (JsonNode node : nodes) {
      String address = node.path("ServiceAddress").asText("");
      instances.add(instance(cluster, node.path("ServiceID").asText(""),
          address.isEmpty() ? node.path("Address").asText("") : address, node.path("ServicePort").asInt(0),
          node.path("ServiceTags")));
    }
    return sorted(instances);
  }

  /**
   * The members Consul DNS answers for, sorted by member name: registered instances none of whose health checks
   * is critical (Patroni's check is a {@code GET} of the member's {@code /primary} or {@code /replica} endpoint),
   * as DNS does by default ({@code only_passing = false}).
   */
  public List<ConsulServiceInstance> healthyInstances(ClusterRef cluster) {
    String service = serviceName(cluster.scope());
    JsonNode entries = serviceRead("healthyInstances", "health/service/" + service, service);
    List<ConsulServiceInstance> instances = new ArrayList<>();
    for (JsonNode entry : entries) {
      boolean critical = false;
      for (JsonNode check : entry.path("Checks")) {
        critical |= "critical".equals(check.path("Status").asText());
      }
      if (critical) {
        continue;
      }
      JsonNode svc = entry.path("Service");
      String address = svc.path("Address").asText("");
      instances.add(instance(cluster, svc.path("ID").asText(""),
          address.isEmpty() ? entry.path("Node").path("Address").asText("") : address, svc.path("Port").asInt(0),
          svc.path("Tags")));
    }
    return sorted(instances);
  }

  /**
   * Where {@code primary.<service>.service.consul} points: the healthy instance whose tags make it the leader.
   * Empty while no leader's check passes, e.g. just after a failover until the new leader re-registers.
   */
  public Optional<ConsulServiceInstance> primaryInstance(ClusterRef cluster) {
    return healthyInstances(cluster).stream().filter(ConsulServiceInstance::isLeader).findFirst();
  }

  private JsonNode serviceRead(String operation, String path, String service) {
    ConsulTransport.Reply reply = transport.read(operation, service,
        transport.url(path).addQueryParameter("consistent", null).build());
    if (reply.filteredByAcls()) {
      throw new DcsAuthenticationException(operation + " " + service + " refused by Consul: the ACL token may not"
          + " read this service (Consul filtered it out of the answer)", operation, service, null);
    }
    if (reply.status() != 200) {
      throw new DcsException(operation + " " + service + " failed: Consul answered " + reply.status() + ": "
          + reply.text().trim(), operation, service, Delivery.ANSWERED, null);
    }
    JsonNode nodes = transport.json(operation, service, reply);
    if (!nodes.isArray()) {
      throw new DcsException(operation + " " + service + ": Consul answered a JSON " + nodes.getNodeType()
          + " instead of an array", operation, service, Delivery.ANSWERED, null);
    }
    return nodes;
  }

  private static ConsulServiceInstance instance(ClusterRef cluster, String id, String address, int port,
      JsonNode tagNodes) {
    List<String> tags = new ArrayList<>();
    tagNodes.forEach(t -> tags.add(t.asText()));
    String idPrefix = cluster.scope() + "/";
    return ConsulServiceInstance.registered(id, id.startsWith(idPrefix) ? id.substring(idPrefix.length()) : id,
        address, port, tags);
  }

  private static List<ConsulServiceInstance> sorted(List<ConsulServiceInstance> instances) {
    instances.sort(Comparator.comparing(ConsulServiceInstance::member));
    return List.copyOf(instances);
  }

}
