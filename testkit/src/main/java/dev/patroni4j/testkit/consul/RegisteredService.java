package dev.patroni4j.testkit.consul;

import java.util.List;
import java.util.Map;

/**
 * A service registered with the test server's agent ({@code PUT /v1/agent/service/register}).
 *
 * @param id the service ID (Patroni: {@code <scope>/<member>})
 * @param name the service name (Patroni: the scope, made DNS-safe)
 * @param tags the tags in registration order (Patroni: service_tags, then the role, plus {@code master}/{@code
 *     primary} on the leader)
 * @param address the service address
 * @param port the service port
 * @param checks the checks in Consul's canonical field names ({@code HTTP}, {@code Interval}, ...)
 * @param health the worst status of its checks: {@code passing}, {@code warning} or {@code critical} (a check is
 *     critical until it first runs)
 */
public record RegisteredService(String id, String name, List<String> tags, String address, int port,
    List<Map<String, Object>> checks, String health) {
  public RegisteredService {
    tags = List.copyOf(tags);
    checks = List.copyOf(checks);
  }
}
