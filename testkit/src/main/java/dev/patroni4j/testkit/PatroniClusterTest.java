package dev.patroni4j.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a shared {@link LocalPatroniCluster}, injected into test methods,
 * constructors and lifecycle methods that declare a {@code LocalPatroniCluster} parameter. For
 * settings beyond these, register {@link LocalPatroniClusterExtension#of} on a static field.
 *
 * <pre>{@code
 * import static org.assertj.core.api.Assertions.assertThat;
 * import org.junit.jupiter.api.Test;
 * @PatroniClusterTest(members = 2)
 * class ReplicationTest {
 *   @Test
 *   void replicaStreams(LocalPatroniCluster cluster) {
 *     assertThat(cluster.replicas()).hasSize(1);
 *   }
 * }
 * }</pre>
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalPatroniClusterExtension.class)
public @interface PatroniClusterTest {
  /** Number of Patroni nodes. */
  int members() default 3;

  /** HTTPS with client certificates on the REST API. */
  boolean restTls() default false;
}
