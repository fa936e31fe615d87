package dev.patroni4j.client.it;

import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.testkit.LocalPatroniCluster;

/**
 * The Patroni version this test JVM runs its clusters on: the test kit's default, the system
 * property {@code patroni4j.patroniVersion} (the version-matrix executions of surefire set it), else
 * the system's Patroni 3.0.2.
 */
final class PatroniUnderTest {
  static final PatroniVersion VERSION = PatroniVersion.parse(LocalPatroniCluster.Builder.defaultPatroniVersion());

  private PatroniUnderTest() {}

  static boolean isAtLeast(int major, int minor) {
    return VERSION.isAtLeast(major, minor);
  }

  static boolean isAtLeast(String version) {
    return VERSION.compareTo(PatroniVersion.parse(version)) >= 0;
  }

  /** A builder for this JVM's Patroni version. */
  static LocalPatroniCluster.Builder builder() {
    return LocalPatroniCluster.builder().patroniVersion(VERSION.raw());
  }
}
