package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Steps after a config change: wait until every member applied it (or needs a restart for it), report, reload. */
final class ConfigSteps {
  private ConfigSteps() {}

  /** Settings whose decrease must reach the primary first (a standby needs them at least as large as the primary). */
  static final Set<String> PRIMARY_FIRST_ON_DECREASE = Set.of("max_connections", "max_prepared_transactions",
      "max_locks_per_transaction", "max_worker_processes", "max_wal_senders");

  /**
   * Every member's PostgreSQL runs with each patched parameter, or reports {@code pending_restart} for it. Needs SQL
   * access; without it the step waits two {@code loop_wait}s after the change, the time Patroni takes to apply it.
   */
  static Step applied(Env env, Map<String, Object> parameters) {
    return Steps.await("applied", ctx -> {
      if (parameters.isEmpty()) {
        return Verification.done("no PostgreSQL parameters changed");
      }
      if (env.pg == null) {
        return Verification.done("no SQL access configured: application not verified");
      }
      ClusterView view = env.client.cluster();
      List<String> notYet = new ArrayList<>();
      for (Member m : view.members()) {
        for (Map.Entry<String, Object> p : parameters.entrySet()) {
          if (!env.sql(view, m.name(), c -> appliedOn(c, p.getKey(), p.getValue()))) {
            notYet.add(m.name() + ":" + p.getKey());
          }
        }
      }
      return notYet.isEmpty() ? Verification.done("every member applied " + parameters.keySet()
          + " or has it pending a restart") : Verification.pending("not applied yet: " + notYet);
    });
  }

  private static boolean appliedOn(java.sql.Connection c, String name, @Nullable Object want) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT setting, unit, vartype, pending_restart, boot_val FROM pg_settings WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return true; // not a PostgreSQL setting (an extension's, not loaded): nothing to observe
        }
        if (rs.getBoolean(4)) {
          return true;
        }
        String target = want == null ? rs.getString(5) : String.valueOf(want);
        return sameSetting(rs.getString(1), rs.getString(2), rs.getString(3), target);
      }
    }
  }

  private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("\\s*(-?[0-9.]+)\\s*([a-zA-Z]*)\\s*");

  /** Whether {@code want} (as written in a config, e.g. {@code 256MB}) equals the running {@code setting}. */
  static boolean sameSetting(String setting, @Nullable String unit, String vartype, String want) {
    String w = want.trim();
    switch (vartype) {
      case "bool" -> {
        return bool(setting) == bool(w);
      }
      case "integer", "real" -> {
        Matcher m = NUMBER_WITH_UNIT.matcher(w);
        if (!m.matches()) {
          return false;
        }
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal have = new BigDecimal(setting);
        if (!m.group(2).isEmpty() && unit != null) {
          BigDecimal from = unitValue(m.group(2));
          BigDecimal base = unitValue(unit);
          if (from == null || base == null) {
            return false;
          }
          value = value.multiply(from).divide(base, java.math.MathContext.DECIMAL64);
        }
        return value.compareTo(have) == 0;
      }
      default -> {
        return setting.equalsIgnoreCase(w);
      }
    }
  }

  private static boolean bool(String s) {
    String t = s.toLowerCase(Locale.ROOT);
    return t.equals("on") || t.equals("true") || t.equals("yes") || t.equals("1");
  }

  /** A unit's size in bytes or milliseconds ({@code 8kB} is a unit PostgreSQL uses for pages). */
  private static @Nullable BigDecimal unitValue(String unit) {
    Matcher m = Pattern.compile("([0-9]*)([a-zA-Z]+)").matcher(unit);
    if (!m.matches()) {
      return null;
    }
    BigDecimal factor = m.group(1).isEmpty() ? BigDecimal.ONE : new BigDecimal(m.group(1));
    long base = switch (m.group(2)) {
      case "B" -> 1L;
      case "kB" -> 1024L;
      case "MB" -> 1024L * 1024;
      case "GB" -> 1024L * 1024 * 1024;
      case "TB" -> 1024L * 1024 * 1024 * 1024;
      case "us" -> 0L;
      case "ms" -> 1L;
      case "s" -> 1000L;
      case "min" -> 60_000L;
      case "h" -> 3_600_000L;
      case "d" -> 86_400_000L;
      default -> -1L;
    };
    return base <= 0 ? null : factor.multiply(BigDecimal.valueOf(base));
  }

  /**
   * Reports which members need a restart (never acts), once Patroni agrees with PostgreSQL. From 3.3 on Patroni
   * learns of a pending restart only after its reload (it reloads, waits a second, then reads {@code pg_settings}),
   * so right after {@link #applied} a member's PostgreSQL may already report {@code pending_restart} for a patched
   * parameter while {@code GET /patroni} does not yet: with SQL access the step waits (within its verify timeout)
   * until Patroni reports the restart on every such member. Without SQL access it reports what Patroni says.
   */
  static Step pendingRestart(Env env, Map<String, Object> parameters) {
    return Steps.await("pending-restart", ctx -> {
      ClusterView view = env.client.cluster();
      List<String> pending = new ArrayList<>();
      List<String> notReportedYet = new ArrayList<>();
      for (Member m : view.members()) {
        if (env.client.clientFor(m).status().pendingRestart()) {
          pending.add(m.name());
        } else if (env.pg != null && !parameters.isEmpty()) {
          List<String> inPostgres = env.sql(view, m.name(), c -> pendingInPostgres(c, parameters.keySet()));
          if (!inPostgres.isEmpty()) {
            notReportedYet.add(m.name() + " " + inPostgres);
          }
        }
      }
      Facts facts = Facts.of(Keys.PENDING_RESTART, pending);
      if (!notReportedYet.isEmpty()) {
        return Verification.pending("PostgreSQL needs a restart for a patched parameter but Patroni does not report"
            + " pending_restart yet on " + notReportedYet, facts);
      }
      return Verification.done(pending.isEmpty() ? "no member needs a restart" : "restart pending on " + pending,
          facts);
    });
  }

  /** The parameters among {@code names} that this PostgreSQL reports as waiting for a restart. */
  private static List<String> pendingInPostgres(java.sql.Connection c, Set<String> names) throws java.sql.SQLException {
    List<String> pending = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT name FROM pg_settings WHERE pending_restart AND lower(name) = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("text", names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pending.add(rs.getString(1));
        }
      }
    }
    return pending;
  }

  /**
   * Reloads {@code member}'s configuration ({@code POST /reload}). A reload has no observable goal of its own, so
   * the caller states what it expects to see afterwards; the step is satisfied when that already holds.
   */
  static Step reload(Env env, String member, Steps.Condition<?> expected) {
    return Steps.named("reload[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> expected.test(ctx) instanceof Verification.Done d
            ? Decision.satisfied(d.reason()) : Decision.needsAction("reload " + member))
        .act((ctx, intent) -> Env.refuseUnlessDone(env.client.member(member).reload(), "to reload " + member))
        .verify((ctx, intent) -> expected.test(ctx))
        .build();
  }
}
