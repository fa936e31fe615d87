package dev.patroni4j.testkit;

import java.nio.file.Path;

/**
 * A cluster asked for a Patroni or etcd release that is not installed. Thrown before any process
 * starts; the message names the command that installs it.
 *
 * <pre>{@code
 * try {
 *   LocalPatroniCluster.builder().patroniVersion("4.1.5").start();
 * } catch (InstallationMissingException e) {
 *   System.err.println(e.component() + " " + e.version() + " missing at " + e.expectedAt() + "; " + e.remedy());
 * }
 * }</pre>
 *
 * <p>Immutable; thread-safe.
 */
public final class InstallationMissingException extends TestkitException {
  private static final long serialVersionUID = 1L;

  /** The command that fills the installation cache. */
  public static final String PREREQS = "bin/prereqs";

  private final String component;
  private final String version;
  private final String expectedAt;
  private final String remedy;

  InstallationMissingException(String component, String version, Path expectedAt, String remedy) {
    super(component + " " + version + " is not installed at " + expectedAt + "; install it with: " + remedy);
    this.component = component;
    this.version = version;
    this.expectedAt = expectedAt.toString();
    this.remedy = remedy;
  }

  static InstallationMissingException cached(String component, String version, Path home) {
    return new InstallationMissingException(component, version, home,
        PREREQS + " (run in the patroni4j repository; it unpacks Debian's package into "
            + home.getParent() + ", set PATRONI4J_CACHE to use another directory)");
  }

  /** {@code Patroni} or {@code etcd}. */
  public String component() {
    return component;
  }

  public String version() {
    return version;
  }

  /** Where the installation was looked for. */
  public String expectedAt() {
    return expectedAt;
  }

  /** The command that installs it. */
  public String remedy() {
    return remedy;
  }
}
