package dev.patroni4j.testkit.containers;

/**
 * A JVM that starts a one-member cluster on the image in {@code args[0]}, prints {@code READY <scope>} and waits to
 * be killed: {@link CleanupAfterKilledJvmTest} kills it with SIGKILL, so that neither {@code close()} nor a shutdown
 * hook runs.
 */
public final class OrphanedClusterMain {
  private OrphanedClusterMain() {}

  public static void main(String[] args) throws InterruptedException {
    PatroniContainerCluster cluster = PatroniContainerCluster.builder(args[0]).members(1).start();
    System.out.println("READY " + cluster.scope());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
