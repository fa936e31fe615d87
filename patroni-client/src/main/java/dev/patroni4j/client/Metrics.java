package dev.patroni4j.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A member's Prometheus metrics ({@code GET /metrics}) parsed into samples.
 *
 * <pre>{@code
 * // given: MemberClient member;
 * Metrics m = member.metrics();
 * double timeline = m.value("patroni_postgres_timeline").orElse(-1);
 * boolean primary = m.value("patroni_primary").orElse(0) == 1;
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param samples every sample, in the order Patroni printed them
 * @param raw the text as received
 */
public record Metrics(List<Sample> samples, String raw) {

  public Metrics {
    samples = List.copyOf(samples);
    Objects.requireNonNull(raw, "raw == null");
  }

  /**
   * One sample line.
   *
   * @param name the metric name, e.g. {@code patroni_xlog_location}
   * @param labels the labels, e.g. {@code scope}, {@code name}
   * @param value the value
   */
  public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
      Objects.requireNonNull(name, "name == null");
      labels = Map.copyOf(labels);
    }
  }

  /** The first sample with this name. */
  public Optional<Sample> find(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The value of the first sample with this name. */
  public OptionalDouble value(String name) {
    return find(name).map(s -> OptionalDouble.of(s.value())).orElse(OptionalDouble.empty());
  }
}
