package dev.patroni4j.client;

import dev.patroni4j.client.PatroniClient;

/**
 * A fixture for JavadocExamplesCompilerTest, in patroni-client's package: not compiled by the build, read as text.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * String leader = client.cluster().leader().name();
 * }</pre>
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * String leader = client.cluster().leader().name();
 * client.noSuchMethod();
 * }</pre>
 *
 * <pre>{@code
 * String leader = client.cluster().leader().name();
 * }</pre>
 *
 * <pre>{@code Duration.ofSeconds(5).toMillis() // 5000}</pre>
 *
 * <pre>{@code
 * import java.util.concurrent.atomic.AtomicInteger;
 * class Counter {
 *   private final AtomicInteger n = new AtomicInteger();
 *   int next() { return n.incrementAndGet(); }
 * }
 * }</pre>
 *
 * <pre>{@code
 * if (ready) { ... }
 * }</pre>
 *
 * <pre>{@code
 * Class<?> hidden = EveryMemberFailed.class;
 * }</pre>
 *
 * <pre>{@code
import java.time.Duration;
 * Duration d = Duration.ZERO;
 * }</pre>
 */
public final class Documented {
  private Documented() {}

  // <pre>{@code not an example: a line comment }</pre>
  private static final String TEXT = "/** <pre>{@code not an example: a string }</pre> */";
}

