package dev.patroni4j.testkit.internal;

import java.net.URI;
import java.util.Map;

/** The DCS a local cluster runs on, as the cluster needs to see it. */
public interface DcsServer extends AutoCloseable {
  /** The key of Patroni's configuration section for this DCS, e.g. {@code etcd3}. */
  String patroniSectionName();

  /** The body of that section. */
  Map<String, Object> patroniSection();

  /** Where clients reach it. */
  URI endpoint();

  /** Stops the server from answering (SIGSTOP or equivalent): clients see timeouts. */
  void freeze();

  void thaw();

  @Override
  void close();
}
