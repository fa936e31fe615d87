package dev.patroni4j.client.dcs;

import java.util.Map;

/**
 * The {@code failsafe} key: the members the leader may keep running with when the DCS is lost (Patroni 3.0+).
 *
 * @param members member name to REST API URL
 * @param version the key's version
 */
public record DcsFailsafe(Map<String, String> members, long version) {

  public DcsFailsafe {
    members = Map.copyOf(members);
  }
}
