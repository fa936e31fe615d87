package dev.patroni4j.testkit.containers.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The labels on every container, network and volume the container test kit creates, and their removal: by cluster
 * (when a cluster closes, or from the JVM's shutdown hook) and by dead owner (the sweep at every cluster start, for
 * what a JVM killed with SIGKILL left behind). Testcontainers' own reaper (Ryuk) is not needed: where no registry
 * serves its image it cannot run at all.
 *
 * <p>Thread-safe; every call goes to the Docker daemon.
 */
public final class Resources {
  /** Present on everything the kit creates. */
  public static final String KIT = "dev.patroni4j.testkit";
  public static final String KIT_VALUE = "containers";
  /** The JVM that created it ({@link Owner#label()}). */
  public static final String OWNER = "dev.patroni4j.owner";
  /** The cluster it belongs to. */
  public static final String CLUSTER = "dev.patroni4j.cluster";

  private final DockerClient docker;

  public Resources(DockerClient docker) {
    this.docker = docker;
  }

  /** The labels of a new object of {@code cluster}, owned by this JVM. */
  public static Map<String, String> labels(String cluster) {
    return Map.of(KIT, KIT_VALUE, OWNER, Owner.current().label(), CLUSTER, cluster);
  }

  /** What exists now with the kit's label and satisfies {@code labels}. */
  public Inventory find(Predicate<Map<String, String>> labels) {
    List<String> containers = new ArrayList<>();
    for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(KIT, KIT_VALUE)).exec()) {
      if (labels.test(labelsOf(c.getLabels()))) {
        containers.add(c.getId());
      }
    }
    List<String> networks = new ArrayList<>();
    for (Network n : docker.listNetworksCmd().withFilter("label", List.of(KIT + "=" + KIT_VALUE)).exec()) {
      if (labels.test(labelsOf(n.getLabels()))) {
        networks.add(n.getId());
      }
    }
    List<String> volumes = new ArrayList<>();
    List<InspectVolumeResponse> listed = docker.listVolumesCmd().withFilter("label", List.of(KIT + "=" + KIT_VALUE))
        .exec().getVolumes();
    for (InspectVolumeResponse v : listed == null ? List.<InspectVolumeResponse>of() : listed) {
      if (labels.test(labelsOf(v.getLabels()))) {
        volumes.add(v.getName());
      }
    }
    return new Inventory(containers, networks, volumes);
  }

  /** Everything of one cluster. */
  public Inventory ofCluster(String cluster) {
    return find(l -> cluster.equals(l.get(CLUSTER)));
  }

  /** Everything whose owning JVM ran on this machine and is gone. */
  public Inventory ofDeadOwners() {
    return find(l -> Optional.ofNullable(l.get(OWNER)).flatMap(Owner::parse).map(Owner::isDeadHere).orElse(false));
  }

  /**
   * Removes containers (with their anonymous volumes), then volumes, then networks: in that order, because a
   * network or volume in use cannot go. Objects already gone are skipped; what cannot be removed is returned.
   */
  public List<String> remove(Inventory inventory) {
    List<String> failures = new ArrayList<>();
    for (String id : inventory.containers()) {
      attempt(failures, "container " + id, () -> docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
    }
    for (String name : inventory.volumes()) {
      attempt(failures, "volume " + name, () -> docker.removeVolumeCmd(name).exec());
    }
    for (String id : inventory.networks()) {
      attempt(failures, "network " + id, () -> docker.removeNetworkCmd(id).exec());
    }
    return failures;
  }

  private static void attempt(List<String> failures, String what, Runnable removal) {
    try {
      removal.run();
    } catch (NotFoundException e) {
      // already gone: the goal holds
    } catch (RuntimeException e) {
      failures.add(what + ": " + e.getMessage());
    }
  }

  private static Map<String, String> labelsOf(@Nullable Map<String, String> labels) {
    return labels == null ? Map.of() : labels;
  }

  /**
   * Docker objects by id (containers, networks) and name (volumes).
   *
   * @param containers container ids
   * @param networks network ids
   * @param volumes volume names
   */
  public record Inventory(List<String> containers, List<String> networks, List<String> volumes) {
    public Inventory {
      containers = List.copyOf(containers);
      networks = List.copyOf(networks);
      volumes = List.copyOf(volumes);
    }

    public boolean isEmpty() {
      return containers.isEmpty() && networks.isEmpty() && volumes.isEmpty();
    }

    public int size() {
      return containers.size() + networks.size() + volumes.size();
    }
  }
}
