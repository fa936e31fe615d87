package dev.patroni4j.runbooks;

/** Stands in for SIGKILL inside a step: an Error the runner does not catch, so nothing after it is journaled. */
final class SimulatedCrash extends Error {
  private static final long serialVersionUID = 1L;
}
