package dev.patroni4j.client;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Timeline;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link ClusterView} as the table {@code patronictl list} prints: member, host, role,
 * state, timeline and lag in MB (whole megabytes, rounded down; {@code unknown} when Patroni says
 * so, empty when it reports none, as for the leader). Roles and states are Patroni's own words.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * System.out.print(ClusterTable.render(client.cluster()));
 * }</pre>
 *
 * <p>Output, one row per member in the view's order:
 *
 * <pre>
 * +--------+-----------------+---------+---------+----+-----------+
 * | Member | Host            | Role    | State   | TL | Lag in MB |
 * +--------+-----------------+---------+---------+----+-----------+
 * | pg1    | 127.0.0.1:44077 | leader  | running | 1  |           |
 * | pg2    | 127.0.0.1:41197 | replica | running | 1  | 0         |
 * +--------+-----------------+---------+---------+----+-----------+
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class ClusterTable {
  private static final String[] HEADER = {"Member", "Host", "Role", "State", "TL", "Lag in MB"};

  private ClusterTable() {}

  /** The table for {@code view}, every line ending in {@code \n}. */
  public static String render(ClusterView view) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Member m : view.members()) {
      rows.add(new String[] {
          m.name(),
          m.host() == null ? "" : m.host() + (m.port() == null ? "" : ":" + m.port()),
          m.role().raw(),
          m.state().raw(),
          m.findTimeline().map(Timeline::id).map(String::valueOf).orElse(""),
          lagInMegabytes(m.lag())});
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    String rule = rule(widths);
    out.append(rule);
    for (int r = 0; r < rows.size(); r++) {
      out.append('|');
      for (int i = 0; i < widths.length; i++) {
        out.append(' ').append(String.format("%-" + widths[i] + "s", rows.get(r)[i])).append(" |");
      }
      out.append('\n');
      if (r == 0) {
        out.append(rule);
      }
    }
    return out.append(rule).toString();
  }

  private static String lagInMegabytes(Lag lag) {
    if (lag instanceof Lag.Bytes bytes) {
      return String.valueOf(bytes.bytes() / (1024 * 1024));
    }
    return lag instanceof Lag.Unknown ? "unknown" : "";
  }

  private static String rule(int[] widths) {
    StringBuilder sb = new StringBuilder("+");
    for (int w : widths) {
      sb.append("-".repeat(w + 2)).append('+');
    }
    return sb.append('\n').toString();
  }
}
