package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.runbooks.Fact;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The WAL an old primary site loses when it rejoins the site that was promoted without it: from where the new
 * primary's timeline forked off the old site's history to the old site's last position. Both ends come from
 * PostgreSQL itself: the timeline history files of both leaders ({@code pg_wal/<tli>.history}, read with {@code
 * pg_read_file}, which needs a superuser or {@code pg_read_server_files}) and the old leader's {@code
 * pg_current_wal_lsn()}.
 */
record LostWal(Lsn from, Lsn to, long forkTimeline, long oldTimeline, long newTimeline, long bytes) {

  /**
   * As journaled: an object of its positions ({@code X/Y}) and numbers, so that a resumed run reads back the range
   * measured before the demotion as this record. Read defensively: a hand-edited or truncated journal entry is refused
   * naming the field.
   */
  static final Fact.Type<LostWal> TYPE = new Fact.Type<>() {
    @Override
    public String label() {
      return "lost WAL range";
    }

    @Override
    public Object encode(LostWal value) {
      Map<String, Object> m = new TreeMap<>();
      m.put("from", value.from().toString());
      m.put("to", value.to().toString());
      m.put("forkTimeline", value.forkTimeline());
      m.put("oldTimeline", value.oldTimeline());
      m.put("newTimeline", value.newTimeline());
      m.put("bytes", value.bytes());
      return Collections.unmodifiableMap(m);
    }

    @Override
    public LostWal decode(Object plain) {
      if (!(plain instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("not an object: " + plain.getClass().getSimpleName());
      }
      Lsn from = position(m, "from");
      Lsn to = position(m, "to");
      long bytes = number(m, "bytes");
      if (bytes < 0 || to.compareTo(from) < 0) {
        throw new IllegalArgumentException("a range from " + from + " to " + to + " of " + bytes + " bytes");
      }
      return new LostWal(from, to, number(m, "forkTimeline"), number(m, "oldTimeline"), number(m, "newTimeline"),
          bytes);
    }
  };

  private static Lsn position(Map<?, ?> m, String name) {
    if (!(m.get(name) instanceof String s)) {
      throw new IllegalArgumentException("field '" + name + "' is not a WAL position: " + m.get(name));
    }
    return Lsn.tryParse(s).orElseThrow(() -> new IllegalArgumentException("field '" + name
        + "' is not a WAL position: \"" + s + "\""));
  }

  private static long number(Map<?, ?> m, String name) {
    if (!(m.get(name) instanceof Long n)) {
      throw new IllegalArgumentException("field '" + name + "' is not a number: " + m.get(name));
    }
    return n;
  }

  String describe() {
    return bytes == 0 ? "no WAL lost: the old site wrote nothing past " + from + " (timeline " + forkTimeline
        + "), where timeline " + newTimeline + " forked"
        : bytes + " bytes of WAL lost, " + from + " to " + to + " (old site on timeline " + oldTimeline
            + "; timeline " + newTimeline + " forked off timeline " + forkTimeline + " at " + from + ")";
  }

  /** A leader's position and timeline history, read on a running primary. */
  record Position(long timeline, Lsn current, Map<Long, Lsn> switchpoints) {}

  /**
   * Reads the leader of {@code view}: empty when it has no leader or its PostgreSQL runs in recovery (then its last
   * position is not its own to report).
   */
  static Optional<Position> primaryPosition(Env on, ClusterView view) throws SQLException {
    Optional<Member> leader = view.findLeader();
    if (leader.isEmpty()) {
      return Optional.empty();
    }
    return on.sql(view, leader.get().name(), LostWal::read);
  }

  private static Optional<Position> read(Connection c) throws SQLException {
    long timeline;
    Lsn current;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(),"
        + " pg_current_wal_lsn()::text, substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
      if (!rs.next() || rs.getBoolean(1)) {
        return Optional.empty();
      }
      current = Lsn.parse(rs.getString(2));
      timeline = Long.parseLong(rs.getString(3), 16);
    } catch (SQLException inRecovery) {
      // pg_walfile_name() refuses during recovery: a standby has no position of its own
      if ("55000".equals(inRecovery.getSQLState())) {
        return Optional.empty();
      }
      throw inRecovery;
    }
    Map<Long, Lsn> switchpoints = new TreeMap<>();
    if (timeline > 1) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_read_file('pg_wal/"
          + String.format(Locale.ROOT, "%08X", timeline) + ".history')")) {
        if (rs.next()) {
          switchpoints.putAll(parseHistory(rs.getString(1)));
        }
      }
    }
    return Optional.of(new Position(timeline, current, switchpoints));
  }

  /**
   * A timeline history file: one line per ancestor, {@code parentTLI <tab> switchpoint <tab> reason}; comments and
   * blank lines skipped, malformed lines refused.
   */
  static Map<Long, Lsn> parseHistory(String text) {
    Map<Long, Lsn> out = new TreeMap<>();
    for (String line : text.split("\n", -1)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\s+", 3);
      if (f.length < 2) {
        throw new IllegalArgumentException("malformed timeline history line: " + l);
      }
      out.put(Long.parseLong(f[0]), Lsn.parse(f[1]));
    }
    return out;
  }

  /**
   * The WAL {@code old} has that {@code fresh} does not share: both histories are walked from their first timeline
   * while they agree (same timeline, left at the same point); where they part, the fork is the earlier of the two
   * points where each left that timeline, and the range ends at {@code old}'s current position. A timeline ID alone
   * proves nothing: two sites promoted apart can reach the same ID on different histories. Empty when {@code fresh}
   * did not fork from {@code old}'s history (one's history is a prefix of the other's).
   */
  static Optional<LostWal> between(Position old, Position fresh) {
    List<Map.Entry<Long, Lsn>> a = chain(old);
    List<Map.Entry<Long, Lsn>> b = chain(fresh);
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      long tli = a.get(i).getKey();
      if (tli != b.get(i).getKey()) {
        return i == 0 ? Optional.empty() : Optional.of(range(old, fresh, a.get(i - 1).getValue(),
            a.get(i - 1).getKey()));
      }
      boolean oldLeft = i < a.size() - 1;
      boolean freshLeft = i < b.size() - 1;
      if (!freshLeft) {
        return Optional.empty(); // fresh is still on a timeline old has: it did not fork
      }
      if (!oldLeft || !a.get(i).getValue().equals(b.get(i).getValue())) {
        Lsn x = a.get(i).getValue();
        Lsn y = b.get(i).getValue();
        return Optional.of(range(old, fresh, x.compareTo(y) <= 0 ? x : y, tli));
      }
    }
    return Optional.empty();
  }

  private static LostWal range(Position old, Position fresh, Lsn fork, long forkTimeline) {
    long bytes = Math.max(0, old.current().bytesAfter(fork));
    return new LostWal(fork, bytes == 0 ? fork : old.current(), forkTimeline, old.timeline(), fresh.timeline(),
        bytes);
  }

  /** Each timeline of the history with the position where it was left; the current one with the current position. */
  private static List<Map.Entry<Long, Lsn>> chain(Position p) {
    List<Map.Entry<Long, Lsn>> out = new java.util.ArrayList<>();
    new TreeMap<>(p.switchpoints()).forEach((tli, end) -> {
      if (tli < p.timeline()) {
        out.add(Map.entry(tli, end));
      }
    });
    out.add(Map.entry(p.timeline(), p.current()));
    return out;
  }
}
