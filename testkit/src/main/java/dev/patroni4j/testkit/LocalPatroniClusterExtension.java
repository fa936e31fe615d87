package dev.patroni4j.testkit;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.jspecify.annotations.Nullable;

/**
 * JUnit 5 extension that gives a test class a running {@link LocalPatroniCluster}, shared with
 * every other class of the same test run that asks for the same settings, and closed when the run
 * ends. Declared by field:
 *
 * <pre>{@code
 * import static org.assertj.core.api.Assertions.assertThat;
 * import org.junit.jupiter.api.Test;
 * import org.junit.jupiter.api.extension.RegisterExtension;
 * class SwitchoverTest {
 *   @RegisterExtension
 *   static final LocalPatroniClusterExtension CLUSTER =
 *       LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(3));
 *
 *   @Test
 *   void leaderIsPg1() {
 *     assertThat(CLUSTER.cluster().leader().name()).isEqualTo("pg1");
 *   }
 * }
 * }</pre>
 *
 * or by annotation, with the cluster injected as a parameter:
 *
 * <pre>{@code
 * import org.junit.jupiter.api.Test;
 * @PatroniClusterTest(members = 2)
 * class ReplicationTest {
 *   @Test
 *   void replicaStreams(LocalPatroniCluster cluster) {
 *     // the cluster has a leader and a streaming replica
 *   }
 * }
 * }</pre>
 *
 * <p>Before each test the cluster is brought back to its known state ({@link
 * LocalPatroniCluster#resetToKnownState()}: leader on pg1, unpaused, processes running, original
 * tags), which costs a few REST calls when nothing changed, instead of a rebuild. {@link
 * #withoutResetBeforeEach()} turns that off for classes that manage the state themselves. When a
 * test fails, every process log is copied to {@code target/patroni4j-logs/<class>/<test>} and the
 * tails are printed.
 *
 * <p>Thread-safe; one instance per test class.
 */
public final class LocalPatroniClusterExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterTestExecutionCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalPatroniClusterExtension.class);
  /** How many classes have taken each shared cluster; the second taker finds it used. */
  private static final Map<ClusterSettings, Integer> TAKERS = new ConcurrentHashMap<>();

  private final LocalPatroniCluster.@Nullable Builder builder;
  private final boolean resetBeforeEach;
  private volatile @Nullable LocalPatroniCluster cluster;

  /** For {@link PatroniClusterTest}: the settings come from the annotation. */
  public LocalPatroniClusterExtension() {
    this(null, true);
  }

  private LocalPatroniClusterExtension(LocalPatroniCluster.@Nullable Builder builder, boolean resetBeforeEach) {
    this.builder = builder;
    this.resetBeforeEach = resetBeforeEach;
  }

  public static LocalPatroniClusterExtension of(LocalPatroniCluster.Builder builder) {
    return new LocalPatroniClusterExtension(builder, true);
  }

  /** The same extension, but tests start from whatever state the previous test left. */
  public LocalPatroniClusterExtension withoutResetBeforeEach() {
    return new LocalPatroniClusterExtension(builder, false);
  }

  /** The cluster; available from {@code @BeforeAll} on. */
  public LocalPatroniCluster cluster() {
    LocalPatroniCluster c = cluster;
    if (c == null) {
      throw new IllegalStateException("the cluster starts before the test class's @BeforeAll methods; it is not"
          + " available earlier (register the extension on a static field)");
    }
    return c;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    ClusterSettings settings = settingsFor(context);
    SharedCluster shared = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(settings, s -> new SharedCluster(LocalPatroniCluster.start(s)), SharedCluster.class);
    cluster = shared.cluster;
    if (TAKERS.merge(settings, 1, Integer::sum) > 1 && !resetBeforeEach) {
      // An earlier class may have left anything behind; start this class from the known state.
      shared.cluster.resetToKnownState();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (resetBeforeEach) {
      cluster().resetToKnownState();
    }
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    Optional<Throwable> failure = context.getExecutionException();
    LocalPatroniCluster c = cluster;
    if (failure.isEmpty() || c == null || c.isClosed()) {
      return;
    }
    String label = context.getRequiredTestClass().getSimpleName() + "/"
        + context.getTestMethod().map(Method::getName).orElse("test");
    var archived = c.archiveLogs(label);
    System.err.println("patroni4j testkit: " + label + " failed; logs of " + c + " kept in " + archived
        + "\n" + c.logTails(20));
  }

  /** Only the annotation form injects; a field-registered extension is read through {@link #cluster()}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return builder == null && parameter.getParameter().getType() == LocalPatroniCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return cluster();
  }

  private ClusterSettings settingsFor(ExtensionContext context) {
    if (builder != null) {
      return builder.settings();
    }
    PatroniClusterTest annotation = context.getRequiredTestClass().getAnnotation(PatroniClusterTest.class);
    LocalPatroniCluster.Builder b = LocalPatroniCluster.builder();
    if (annotation != null) {
      b.members(annotation.members()).restTls(annotation.restTls());
    }
    return b.settings();
  }

  /** Closes the cluster when the test run's root context closes. */
  private record SharedCluster(LocalPatroniCluster cluster) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      cluster.close();
    }
  }
}
