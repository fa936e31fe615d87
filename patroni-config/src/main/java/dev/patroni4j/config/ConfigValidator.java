package dev.patroni4j.config;

import dev.patroni4j.config.internal.HostFacts;
import dev.patroni4j.config.internal.PatroniSchemas;
import dev.patroni4j.config.internal.PyValues;
import dev.patroni4j.config.internal.PyYaml;
import dev.patroni4j.config.internal.Schema;
import dev.patroni4j.config.internal.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The checks of {@code patroni --validate-config} for one Patroni line, with the same verdicts:
 * types and required keys, addresses ({@code connect_address} must not be a local address; a
 * {@code listen} port must be free; a DCS host must accept connections), the data directory and
 * the PostgreSQL binaries, as the chosen release checks them on this host.
 *
 * <pre>{@code
 * // given: PatroniConfig config;
 * ConfigValidator validator = ConfigValidator.forVersion(PatroniVersion.V3_0);
 * List<ConfigProblem> problems = validator.validate(PatroniConfig.read(Path.of("patroni.yml")));
 * validator.requireValid(config); // or throw ConfigValidationException listing them
 * }</pre>
 *
 * <p>Immutable and thread-safe; checks that touch the host (files, sockets, {@code postgres
 * --version}) run at each call.
 */
public final class ConfigValidator {
  private final PatroniVersion version;
  private final boolean ignoreListenPort;

  private ConfigValidator(PatroniVersion version, boolean ignoreListenPort) {
    this.version = version;
    this.ignoreListenPort = ignoreListenPort;
  }

  /** The validator of {@code version}. */
  public static ConfigValidator forVersion(PatroniVersion version) {
    return new ConfigValidator(version, false);
  }

  /**
   * A validator that does not refuse a {@code listen} port already in use: 4.x's {@code
   * --ignore-listen-port}, needed to validate the configuration of a member that is running.
   */
  public ConfigValidator ignoringListenPorts() {
    return new ConfigValidator(version, true);
  }

  /** The line this validator follows. */
  public PatroniVersion version() {
    return version;
  }

  /** The problems Patroni's validator would report, in its order; empty when it accepts the config. */
  public List<ConfigProblem> validate(PatroniConfig config) {
    Map<Object, @Nullable Object> copy = Trees.copy(config.asMap());
    PatroniSchemas.Line line = switch (version) {
      case V3_0 -> PatroniSchemas.Line.V3_0;
      case V4_0 -> PatroniSchemas.Line.V4_0;
      case V4_1 -> PatroniSchemas.Line.V4_1;
    };
    List<ConfigProblem> out = new ArrayList<>();
    for (Schema.Result r : PatroniSchemas.validate(line, copy, HostFacts.local(),
        new PatroniSchemas.Options(ignoreListenPort))) {
      String path = r.path();
      String last = path.substring(path.lastIndexOf('.') + 1);
      String value = r.error().equals("is not defined.") ? ""
          : PyYaml.SECRET_KEYS.contains(last) ? Secret.REDACTED : PyValues.display(r.data());
      out.add(new ConfigProblem(path, r.error(), expected(r.error()), value));
    }
    return List.copyOf(out);
  }

  /** Throws {@link ConfigValidationException} listing every problem, unless there are none. */
  public void requireValid(PatroniConfig config) {
    List<ConfigProblem> problems = validate(config);
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(version, problems);
    }
  }

  private static String expected(String error) {
    if (error.startsWith("is not ")) {
      return error.equals("is not defined.") ? "a value" : error.substring("is not ".length());
    }
    return "a value that passes Patroni's check";
  }
}
