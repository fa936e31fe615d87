package dev.patroni4j.testkit.internal;

/** Started by {@link PortsTest} as a separate JVM: claims ports, prints them, waits to be killed. Not a test. */
public final class PortsInChildJvm {
  private PortsInChildJvm() {}

  public static void main(String[] args) throws InterruptedException {
    int count = Integer.parseInt(args[0]);
    for (int i = 0; i < count; i++) {
      System.out.println(Ports.free());
    }
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
