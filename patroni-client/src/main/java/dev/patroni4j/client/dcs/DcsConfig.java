package dev.patroni4j.client.dcs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The {@code config} key: Patroni's dynamic configuration and the version to compare-and-set against.
 *
 * @param values the configuration document as Patroni stored it (unknown fields kept); a copy, safe to change
 * @param version the key's version, for {@link DcsClient#setConfig}
 */
public record DcsConfig(ObjectNode values, long version) {

  public DcsConfig {
    Objects.requireNonNull(values, "values == null");
    values = values.deepCopy();
  }

  @Override
  public ObjectNode values() {
    return values.deepCopy();
  }
}
