package dev.patroni4j.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Patroni responses under src/test/resources/fixtures: bodies recorded from real servers ({@code
 * recorded/<version>/}, written by {@code it.FixtureRecorder}; the older 3.0.2 captures at the top
 * level), the history example of Patroni's documentation, and {@code synthetic-*}: documents
 * written by hand to hold every optional field and odd value at once (unknown roles and states,
 * 2^64-1 positions). The synthetic ones claim nothing about any version's shapes.
 */
public final class Fixtures {
  public static final List<String> JSON_DOCUMENTS = List.of(
      "cluster-3.0.2.json", "synthetic-cluster-edge-cases.json",
      "patroni-primary-3.0.2.json", "patroni-replica-3.0.2.json",
      "synthetic-status-edge-cases.json", "history-3.0.2.json", "history-docs.json",
      "config-3.0.2.json", "dcs-member-3.0.2.json",
      "recorded/4.0.7/cluster-pending-restart.json", "recorded/4.0.7/patroni-primary.json",
      "recorded/4.1.5/cluster-scheduled.json", "recorded/4.1.5/quorum-cluster.json",
      "recorded/4.1.5/quorum-patroni-standby.json", "recorded/4.1.5/quorum-patroni-primary.json",
      "recorded/4.1.5/dcs-members-pg2.json", "recorded/4.1.5/patroni-replica-scheduled-restart.json");

  private Fixtures() {}

  public static String read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
