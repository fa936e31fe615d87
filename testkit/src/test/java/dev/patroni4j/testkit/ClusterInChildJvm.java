package dev.patroni4j.testkit;

/**
 * Started by {@link CleanupTest} as a separate JVM: starts a one-node cluster, prints its
 * directory, and waits to be killed. Not a test.
 */
public final class ClusterInChildJvm {
  private ClusterInChildJvm() {}

  public static void main(String[] args) throws InterruptedException {
    LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(1).start();
    System.out.println("READY " + cluster.directory());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
