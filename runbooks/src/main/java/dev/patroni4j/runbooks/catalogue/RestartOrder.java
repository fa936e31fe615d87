package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The order of a rolling restart, fixed when the plan is made: replicas by name, then {@code @settle}, {@code
 * @switchover} and the old leader; or, when the only pending changes are decreases of settings a standby needs at
 * least as large as its primary, the leader first, {@code @caught-up}, then the replicas.
 */
final class RestartOrder {
  static final String SETTLE = "@settle";
  static final String CAUGHT_UP = "@caught-up";
  static final String SWITCHOVER = "@switchover";

  private RestartOrder() {}

  static List<String> sequence(Env env, String leader, Map<String, Object> plannedParameters) throws Exception {
    ClusterView view = env.client.cluster();
    List<String> replicas = view.members().stream().map(Member::name).filter(n -> !n.equals(leader)).sorted()
        .toList();
    List<String> out = new ArrayList<>();
    if (onlyDecreasesOfPrimaryFirstSettings(env, view, leader, plannedParameters)) {
      // Replicas restart only once they replayed the primary's parameter change: Patroni starts a replica with
      // max(config, pg_control) for these settings, so restarting it earlier keeps the old value (still pending).
      out.add(leader);
      out.add(CAUGHT_UP);
      out.addAll(replicas);
    } else {
      out.addAll(replicas);
      out.addAll(List.of(SETTLE, SWITCHOVER, leader));
    }
    return out;
  }

  private static boolean onlyDecreasesOfPrimaryFirstSettings(Env env, ClusterView view, String leader,
      Map<String, Object> planned) throws Exception {
    Map<String, @Nullable BigDecimal[]> changes = new LinkedHashMap<>(); // name -> {old, new}
    if (!planned.isEmpty()) {
      Map<String, Object> current = env.client.config().postgresqlParameters();
      for (Map.Entry<String, Object> e : planned.entrySet()) {
        changes.put(e.getKey(), new BigDecimal[] {number(current.get(e.getKey())), number(e.getValue())});
      }
    } else {
      MemberStatus status = env.status(leader);
      if (!status.pendingRestartReason().isEmpty()) {
        status.pendingRestartReason().forEach((name, change) -> changes.put(name,
            new BigDecimal[] {number(change.oldValue()), number(change.newValue())}));
      } else if (env.pg != null && status.pendingRestart()) {
        DynamicConfig config = env.client.config();
        env.sqlRun(view, leader, c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT name, setting FROM pg_settings WHERE pending_restart");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              changes.put(rs.getString(1), new BigDecimal[] {number(rs.getString(2)),
                  number(config.postgresqlParameters().get(rs.getString(1)))});
            }
          }
        });
      }
    }
    return !changes.isEmpty() && changes.entrySet().stream().allMatch(e ->
        ConfigSteps.PRIMARY_FIRST_ON_DECREASE.contains(e.getKey()) && e.getValue()[0] != null
            && e.getValue()[1] != null && e.getValue()[1].compareTo(e.getValue()[0]) < 0);
  }

  private static @Nullable BigDecimal number(@Nullable Object v) {
    if (v == null) {
      return null;
    }
    try {
      return new BigDecimal(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
