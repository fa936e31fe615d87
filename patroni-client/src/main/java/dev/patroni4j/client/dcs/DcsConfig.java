package dev.patroni4j.client.dcs;

import dev.patroni4j.client.model.DynamicConfig;
import java.util.Objects;

/**
 * The {@code config} key: Patroni's dynamic configuration (the same type {@code GET /config} returns) and the
 * version to compare-and-set against.
 *
 * @param config the configuration as Patroni stored it
 * @param version the key's version, for {@link DcsClient#setConfig}
 */
public record DcsConfig(DynamicConfig config, long version) {

  public DcsConfig {
    Objects.requireNonNull(config, "config == null");
  }
}
