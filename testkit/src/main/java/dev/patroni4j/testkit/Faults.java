package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.DcsServer;
import dev.patroni4j.testkit.internal.Processes;

/**
 * The faults a test injects: killed or frozen Patroni, crashed PostgreSQL, frozen DCS.
 *
 * <p>Thread-safe.
 */
final class Faults {
  private final NodeProcesses processes;
  private final DcsServer dcs;

  Faults(NodeProcesses processes, DcsServer dcs) {
    this.processes = processes;
    this.dcs = dcs;
  }

  void killPatroni(PatroniNode node) {
    processes.killPatroni(node);
  }

  CommandResult killPostmaster(PatroniNode node) {
    return processes.pgCtl(node, "stop", "-m", "immediate", "-w");
  }

  void freezePatroni(PatroniNode node) {
    node.patroniPid().ifPresent(pid -> Processes.signal(pid, "STOP"));
  }

  void thawPatroni(PatroniNode node) {
    node.patroniPid().ifPresent(pid -> Processes.signal(pid, "CONT"));
  }

  void freezeDcs() {
    dcs.freeze();
  }

  void thawDcs() {
    dcs.thaw();
  }
}
