package dev.patroni4j.testkit.containers.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import java.util.List;
import java.util.Map;

/**
 * One cluster's bridge network, with a subnet of its own so that every container keeps a fixed address: Patroni
 * advertises its members by address (their {@code api_url} and {@code conn_url}), and a member cut off the network
 * must come back at the address the others know. Docker hands fixed addresses out only on a network created with an
 * explicit subnet, so the network is created once to learn a free subnet from Docker's own pools, and again with it.
 *
 * <p>Thread-safe.
 */
public final class ClusterNetwork {
  private final DockerClient docker;
  private final String id;
  private final String name;
  private final long base;
  private final int prefix;

  private ClusterNetwork(DockerClient docker, String id, String name, long base, int prefix) {
    this.docker = docker;
    this.id = id;
    this.name = name;
    this.base = base;
    this.prefix = prefix;
  }

  /** Creates the network {@code name} with {@code labels}. */
  public static ClusterNetwork create(DockerClient docker, String name, Map<String, String> labels) {
    IllegalStateException last = new IllegalStateException("no attempt made");
    for (int attempt = 0; attempt < 5; attempt++) {
      String probe = docker.createNetworkCmd().withName(name).withDriver("bridge").withLabels(labels).exec().getId();
      String subnet;
      try {
        Network inspected = docker.inspectNetworkCmd().withNetworkId(probe).exec();
        subnet = inspected.getIpam().getConfig().get(0).getSubnet();
      } finally {
        docker.removeNetworkCmd(probe).exec();
      }
      String[] parts = subnet.split("/", 2);
      long base = toLong(parts[0]);
      int prefix = Integer.parseInt(parts[1]);
      try {
        String id = docker.createNetworkCmd().withName(name).withDriver("bridge").withLabels(labels)
            .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                .withSubnet(subnet).withGateway(toAddress(base + 1))))
            .exec().getId();
        return new ClusterNetwork(docker, id, name, base, prefix);
      } catch (RuntimeException e) {
        // Another network took the subnet between the probe and now (two builds at once): probe again.
        last = new IllegalStateException("cannot create network " + name + " on subnet " + subnet + ": " + e.getMessage(), e);
      }
    }
    throw last;
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  /** The address {@code offset} hosts into the subnet (1 is the gateway). */
  public String address(int offset) {
    if (offset < 2 || offset >= (1L << (32 - prefix)) - 1) {
      throw new IllegalArgumentException("offset " + offset + " is outside the subnet /" + prefix);
    }
    return toAddress(base + offset);
  }

  /** Cuts a container off the network: its peers and the host's published ports no longer reach it. */
  public void disconnect(String containerId) {
    docker.disconnectFromNetworkCmd().withNetworkId(id).withContainerId(containerId).withForce(true).exec();
  }

  /** Connects a container again, at its address and under its name. */
  public void connect(String containerId, String address, String alias) {
    docker.connectToNetworkCmd().withNetworkId(id).withContainerId(containerId)
        .withContainerNetwork(new ContainerNetwork().withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(address))
            .withAliases(List.of(alias)))
        .exec();
  }

  private static long toLong(String address) {
    String[] octets = address.split("\\.", 5);
    if (octets.length != 4) {
      throw new IllegalStateException("Docker gave the network an IPv4 subnet that is not one: " + address);
    }
    long value = 0;
    for (String octet : octets) {
      value = value << 8 | Integer.parseInt(octet);
    }
    return value;
  }

  private static String toAddress(long value) {
    return (value >> 24 & 255) + "." + (value >> 16 & 255) + "." + (value >> 8 & 255) + "." + (value & 255);
  }

  @Override
  public String toString() {
    return "network " + name;
  }
}
