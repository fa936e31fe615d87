package dev.patroni4j.consumercheck.arch.elsewhere.internal;

/**
 * The implementation package of another (fixture) module: the fixtures under {@code arch.fixtures}
 * may not use it. A fixture of its own, so the rules' tests do not depend on the name of any real
 * module's internal class.
 */
public final class ForeignImplementation {
  private ForeignImplementation() {}
}
