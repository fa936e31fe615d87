package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.HealthCheck;
import dev.patroni4j.client.HealthResult;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.config.ConfigDocument;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The steps of {@link PatroniRunbooks#drain} and {@link PatroniRunbooks#undrain}: the tags in the member's local
 * configuration (edited with {@link ConfigDocument}, so the rest of the file stays as written), a reload, and the
 * wait until the topology and the health checks show them.
 */
final class DrainSteps {
  static final Fact<List<String>> TAGS = Fact.texts("tags");

  private DrainSteps() {}

  /** Sets (drain) or removes (undrain) the tags in the member's {@code patroni.yml}; satisfied when it has them so. */
  static Step localConfig(Env env, DrainOptions o, boolean drain) {
    String member = o.member();
    String file = o.configFile().toString();
    return Steps.named("local-config[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          Optional<Member> m = env.client.cluster().findMember(member);
          if (m.isEmpty()) {
            return Decision.blocked(member + " is not in the member list");
          }
          if (m.get().isLeader()) {
            return Decision.blocked(member + " is the leader; drain a replica (switch over first)");
          }
          Optional<ConfigDocument> doc = read(env, o);
          if (doc.isEmpty()) {
            return Decision.blocked("cannot read " + file + " on " + member);
          }
          Optional<String> name = doc.get().config().name();
          if (name.isPresent() && !name.get().equals(member)) {
            return Decision.blocked(file + " on " + member + " configures member " + name.get() + ", not " + member);
          }
          List<String> wrong = mismatches(localTags(doc.get().config()), o, drain);
          Facts facts = Facts.of(TAGS, o.tags().stream().map(DrainOptions.Tag::key).toList());
          return wrong.isEmpty()
              ? Decision.satisfied(file + " on " + member + " has " + describe(o, drain) + " already", facts)
              : Decision.needsAction((drain ? "set " : "remove ") + String.join(", ", wrong) + " in " + file + " on "
                  + member, facts);
        })
        .act((ctx, intent) -> {
          ConfigDocument doc = read(env, o).orElseThrow(() -> new PatroniException("cannot read " + file
              + " on " + member));
          hosts(env).writeFile(member, o.configFile(), edit(doc, o, drain).text().getBytes(StandardCharsets.UTF_8));
        })
        .verify((ctx, intent) -> read(env, o).filter(d -> mismatches(localTags(d.config()), o, drain).isEmpty()).isPresent()
            ? Verification.done(file + " on " + member + " has " + describe(o, drain))
            : Verification.pending(file + " on " + member + " does not have " + describe(o, drain) + " yet"))
        .build();
  }

  /** Reloads the member's Patroni unless its own status reports the tags as wanted already. */
  static Step reload(Env env, DrainOptions o, boolean drain) {
    String member = o.member();
    return Steps.named("reload[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          List<String> wrong = mismatches(env.status(member).tags(), o, drain);
          return wrong.isEmpty()
              ? Decision.satisfied(member + "'s Patroni reports " + describe(o, drain))
              : Decision.needsAction("reload " + member + " (it reports " + String.join(", ", wrong) + " not "
                  + (drain ? "set" : "removed") + ")");
        })
        .act((ctx, intent) -> Env.refuseUnlessDone(env.client.member(member).reload(), "to reload " + member))
        .verify((ctx, intent) -> {
          List<String> wrong = mismatches(env.status(member).tags(), o, drain);
          return wrong.isEmpty()
              ? Verification.done(member + "'s Patroni reports " + describe(o, drain))
              : Verification.pending(member + "'s Patroni still reports " + String.join(", ", wrong)
                  + (drain ? " unset" : " set"));
        })
        .build();
  }

  /**
   * Done when {@code /cluster} shows the member's tags as wanted and its health checks agree: drained with {@code
   * noloadbalance}, {@code /replica} and {@code /async} answer 503 while {@code /health} answers 200 (it runs; only
   * the tag turns readers away); drained without it, {@code /replica?tag_nofailover=true} (for {@code nofailover})
   * and {@code /async} (for {@code nosync}: never synchronous) answer 200; undrained, {@code /replica} answers 200 and
   * {@code /replica?tag_nofailover=true} 503.
   */
  static Step observed(Env env, DrainOptions o, boolean drain) {
    String member = o.member();
    return Steps.await("observed[" + member + "]", ctx -> {
      ClusterView view = env.client.cluster();
      Optional<Member> m = view.findMember(member);
      if (m.isEmpty()) {
        return Verification.pending(member + " is not in the member list");
      }
      List<String> wrong = mismatches(m.get().tags(), o, drain);
      if (!wrong.isEmpty()) {
        return Verification.pending("/cluster shows " + member + " with " + String.join(", ", wrong)
            + (drain ? " unset" : " set"));
      }
      List<String> seen = new ArrayList<>();
      for (Map.Entry<HealthCheck, Integer> e : expectedHealth(o, drain).entrySet()) {
        HealthResult r = env.client.member(member).check(e.getKey());
        String label = e.getKey().path() + query(e.getKey()) + " " + r.statusCode();
        if (r.statusCode() != e.getValue()) {
          return Verification.pending(member + ": " + label + ", expected " + e.getValue());
        }
        seen.add(label);
      }
      return Verification.done("/cluster shows " + member + " " + (drain ? "drained" : "undrained") + "; "
          + String.join(", ", seen), Facts.of(TAGS, o.tags().stream().map(DrainOptions.Tag::key).toList()));
    });
  }

  /** Health check to the status code it must answer. */
  static Map<HealthCheck, Integer> expectedHealth(DrainOptions o, boolean drain) {
    Map<HealthCheck, Integer> out = new java.util.LinkedHashMap<>();
    boolean nofailover = o.tags().contains(DrainOptions.Tag.NOFAILOVER);
    HealthCheck taggedReplica = HealthCheck.replica().tag("nofailover", "true");
    if (!drain) {
      out.put(HealthCheck.replica(), 200);
      if (nofailover) {
        out.put(taggedReplica, 503);
      }
      return out;
    }
    out.put(HealthCheck.health(), 200);
    if (o.tags().contains(DrainOptions.Tag.NOLOADBALANCE)) {
      out.put(HealthCheck.replica(), 503);
      out.put(HealthCheck.async(), 503);
      return out;
    }
    if (nofailover) {
      out.put(taggedReplica, 200);
    }
    if (o.tags().contains(DrainOptions.Tag.NOSYNC)) {
      out.put(HealthCheck.async(), 200);
    }
    return out;
  }

  /** The tags of {@code o} that are not as wanted: drained means {@code true}, undrained absent or false. */
  static List<String> mismatches(Tags tags, DrainOptions o, boolean drain) {
    return mismatches(tags, o.tags(), drain);
  }

  /**
   * Which of {@code wanted} are not as a drain ({@code true}) or an undrain (absent or false) wants them in {@code
   * tags}: a member's local configuration ({@link #localTags}) or what its Patroni reports. The blue-green freeze
   * checks its {@code nofailover} with it too.
   */
  static List<String> mismatches(Tags tags, Set<DrainOptions.Tag> wanted, boolean drain) {
    List<String> out = new ArrayList<>();
    for (DrainOptions.Tag t : wanted) {
      boolean set = tags.get(t.key()).map(DrainSteps::isTrue).orElse(false);
      if (set != drain) {
        out.add(t.key());
      }
    }
    return out;
  }

  /**
   * The document with the tags set to {@code true} (drain) or removed (undrain); an undrain that leaves {@code tags}
   * empty removes the key too, so a file that had no tags before the drain has none after the undrain.
   */
  static ConfigDocument edit(ConfigDocument doc, DrainOptions o, boolean drain) {
    return edit(doc, o.tags(), drain);
  }

  /**
   * {@code doc} with {@code tags} set to {@code true} (drain) or removed (undrain, and the {@code tags} key when
   * nothing is left in it): the one code path for tags in a member's local configuration, which the blue-green
   * freeze uses for its {@code nofailover}.
   */
  static ConfigDocument edit(ConfigDocument doc, Set<DrainOptions.Tag> tags, boolean drain) {
    ConfigDocument out = doc;
    for (DrainOptions.Tag t : tags) {
      out = drain ? out.set("tags." + t.key(), true) : out.remove("tags." + t.key());
    }
    if (!drain) {
      Optional<Object> left = out.config().get("tags");
      // removing a mapping's last entry leaves the key with no value ("tags:"), which the model reads as absent;
      // remove() is a no-op when the key is really absent
      if (left.isEmpty() || (left.get() instanceof Map<?, ?> m && m.isEmpty())) {
        out = out.remove("tags");
      }
    }
    return out;
  }

  /** The {@code tags} of a member's local configuration. */
  static Tags localTags(PatroniConfig config) {
    Optional<Object> section = config.get("tags");
    if (section.isPresent() && section.get() instanceof Map<?, ?> m) {
      Map<String, Object> values = new java.util.LinkedHashMap<>();
      m.forEach((k, v) -> {
        if (k != null && v != null) {
          values.put(String.valueOf(k), v);
        }
      });
      return Tags.of(values);
    }
    return Tags.empty();
  }

  private static boolean isTrue(Object v) {
    return v instanceof Boolean b ? b : "true".equalsIgnoreCase(String.valueOf(v));
  }

  private static Optional<ConfigDocument> read(Env env, DrainOptions o) {
    return hosts(env).readFile(o.member(), o.configFile()).map(ConfigDocument::parse);
  }

  private static String describe(DrainOptions o, boolean drain) {
    return o.tags().stream().map(DrainOptions.Tag::key).toList() + (drain ? " set" : " removed");
  }

  private static String query(HealthCheck c) {
    return c.query().isEmpty() ? "" : "?" + String.join("&", c.query().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  private static HostActions hosts(Env env) {
    return Objects.requireNonNull(env.hosts, "host actions");
  }
}
