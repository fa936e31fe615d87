package dev.patroni4j.testkit.internal;

/**
 * Started by {@link PortsTest} as a separate JVM: claims ports, prints them, waits to be killed; or, with {@code claim
 * <port>}, tries one port and prints whether it got it. Not a test.
 */
public final class PortsInChildJvm {
  private PortsInChildJvm() {}

  public static void main(String[] args) throws InterruptedException {
    if (args[0].equals("claim")) { // claim one given port, say whether it was free, exit
      System.out.println(Ports.claim(Integer.parseInt(args[1])));
      return;
    }
    int count = Integer.parseInt(args[0]);
    for (int i = 0; i < count; i++) {
      System.out.println(Ports.free());
    }
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
