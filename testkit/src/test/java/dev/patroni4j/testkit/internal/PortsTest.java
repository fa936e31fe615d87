package dev.patroni4j.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.testkit.TestkitException;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void portsHandedOutInAnotherJvmAreNeverHandedOutHereWhileItLives() throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PortsInChildJvm.class.getName(), "20")
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      List<Integer> theirs = new ArrayList<>();
      for (String line = out.readLine(); line != null && !line.equals("READY"); line = out.readLine()) {
        theirs.add(Integer.parseInt(line.strip()));
      }
      assertThat(theirs).hasSize(20);

      for (int port : theirs) {
        assertThat(Ports.claim(port)).as("port %d, held by the child JVM", port).isFalse();
      }
      Set<Integer> ours = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        ours.add(Ports.free());
      }
      assertThat(ours).hasSize(200).doesNotContainAnyElementsOf(theirs);
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void portsComeFromBelowTheKernelsEphemeralRange() throws Exception {
    String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+", -1);
    int ephemeralFrom = Integer.parseInt(range[0]);
    org.junit.jupiter.api.Assumptions.assumeTrue(ephemeralFrom >= 22000, "an ephemeral range that leaves room below");

    assertThat(Ports.claimableRange()).containsExactly(20000, ephemeralFrom);
    assertThat(Ports.free()).isBetween(20000, ephemeralFrom - 1);
  }

  @Test
  void askingAgainForAPortThisJvmHoldsKeepsItHeld() throws Exception {
    int port = Ports.free();
    assertThat(Ports.claim(port)).as("held already, by this JVM").isFalse();

    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PortsInChildJvm.class.getName(), "claim", Integer.toString(port))
        .redirectErrorStream(true).start();
    String answer = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(answer).as("another JVM's claim of port %d", port).isEqualTo("false");
  }

  @Test
  void aPortOfAJvmThatExitedCanBeClaimedAgain() throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PortsInChildJvm.class.getName(), "1")
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    int port = Integer.parseInt(out.readLine().strip());
    assertThat(out.readLine()).isEqualTo("READY");
    assertThat(Ports.claim(port)).isFalse();

    child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    assertThat(Ports.claim(port)).isTrue();
    assertThat(Ports.claim(port)).as("a second claim in the same JVM").isFalse();
  }

  @Test
  void aPortSomeoneListensOnIsNotHandedOut() throws Exception {
    int[] range = Ports.claimableRange();
    try (ServerSocket listener = new ServerSocket()) {
      int port = range[0];
      while (true) { // a port in the kit's range that a stranger listens on, without claiming it
        try {
          listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
          break;
        } catch (java.net.BindException busy) {
          port++;
        }
      }
      int listening = port;
      assertThatThrownBy(() -> Ports.freeIn(listening, listening + 1))
          .isInstanceOf(TestkitException.class).hasMessageContaining("cannot find a free port on 127.0.0.1 in "
              + listening + "-" + listening);
    }
  }

  @Test
  void ephemeralPortsAreOutsideTheRangeTheKitHandsOut() throws Exception {
    int[] range = Ports.claimableRange();
    try (ServerSocket ephemeral = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(ephemeral.getLocalPort()).isNotIn(java.util.stream.IntStream.range(range[0], range[1]).boxed().toList());
    }
    for (int i = 0; i < 50; i++) {
      assertThat(Ports.free()).isBetween(range[0], range[1] - 1);
    }
  }
}
