package dev.patroni4j.testkit.containers;

import java.lang.reflect.Method;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test class a running {@link PatroniContainerCluster}, shared with every other class
 * of the same test run that asks for the same settings, and closed when the run ends:
 *
 * <pre>{@code
 * import static org.assertj.core.api.Assertions.assertThat;
 * import org.junit.jupiter.api.Test;
 * import org.junit.jupiter.api.extension.RegisterExtension;
 * class FailoverTest {
 *   @RegisterExtension
 *   static final PatroniContainersExtension CLUSTER =
 *       PatroniContainersExtension.of(PatroniContainerCluster.builder("patroni4j/debian12-pg15:latest").members(3));
 *
 *   @Test
 *   void leaderIsPg1() {
 *     assertThat(CLUSTER.cluster().leader().name()).isEqualTo("pg1");
 *   }
 * }
 * }</pre>
 *
 * <p>Tests share the cluster as the previous test left it; a test that moves the leader or removes a member says so
 * or puts it back. When a test fails, the tail of every container's output is printed.
 *
 * <p>Thread-safe; one instance per test class.
 */
public final class PatroniContainersExtension implements BeforeAllCallback, AfterTestExecutionCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PatroniContainersExtension.class);

  private final PatroniContainerCluster.Builder builder;
  private volatile @Nullable PatroniContainerCluster cluster;

  private PatroniContainersExtension(PatroniContainerCluster.Builder builder) {
    this.builder = builder;
  }

  public static PatroniContainersExtension of(PatroniContainerCluster.Builder builder) {
    return new PatroniContainersExtension(builder);
  }

  /** The cluster; available from {@code @BeforeAll} on. */
  public PatroniContainerCluster cluster() {
    PatroniContainerCluster c = cluster;
    if (c == null) {
      throw new IllegalStateException("the cluster starts before the test class's @BeforeAll methods; it is not"
          + " available earlier (register the extension on a static field)");
    }
    return c;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    ContainerClusterSettings settings = builder.settings();
    cluster = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(settings, s -> new Shared(PatroniContainerCluster.start(s)), Shared.class).cluster();
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    Optional<Throwable> failure = context.getExecutionException();
    PatroniContainerCluster c = cluster;
    if (failure.isEmpty() || c == null || c.isClosed()) {
      return;
    }
    String label = context.getRequiredTestClass().getSimpleName() + "/"
        + context.getTestMethod().map(Method::getName).orElse("test");
    System.err.println("patroni4j testkit-containers: " + label + " failed on " + c + "\n" + c.logTails(30));
  }

  /** Closes the cluster when the test run's root context closes. */
  private record Shared(PatroniContainerCluster cluster) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      cluster.close();
    }
  }
}
