package dev.patroni4j.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Recorded and documented Patroni responses under src/test/resources/fixtures. */
public final class Fixtures {
  public static final List<String> JSON_DOCUMENTS = List.of(
      "cluster-3.0.2.json", "cluster-4.1.json", "cluster-4.0-mixed.json",
      "patroni-primary-3.0.2.json", "patroni-replica-3.0.2.json", "patroni-primary-4.0.json",
      "patroni-replica-4.1-pending.json", "history-3.0.2.json", "history-docs.json",
      "config-3.0.2.json", "dcs-member-3.0.2.json");

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
