package dev.patroni4j.runbooks.diagnosis;

import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.catalogue.PostgresConnector;
import dev.patroni4j.runbooks.host.HostActions;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Recognises the field's known Patroni problems in one cluster from what it observes: the REST API ({@code GET
 * /cluster}, every member's {@code GET /patroni}, {@code GET /config}, {@code GET /history} when a replica's
 * timeline differs), and where configured the DCS (one snapshot) and SQL on the leader ({@code pg_replication_slots},
 * {@code pg_stat_archiver}). It changes nothing, and one diagnosis costs one request per member plus a few, so it can
 * run every few seconds.
 *
 * <pre>{@code
 * import dev.patroni4j.client.dcs.DcsClient;
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookRunner;
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * // given: PatroniClient client; DcsClient etcd; String password; RunbookRunner runner; PatroniRunbooks catalogue;
 * // given: Journal journal;
 * ClusterDiagnostics diagnostics = ClusterDiagnostics.builder(client)
 *     .dcs(ClusterRef.of("demo"), etcd)                         // optional: stale DCS state needs it
 *     .postgres((member, host, port) -> DriverManager.getConnection(
 *         "jdbc:postgresql://" + host + ":" + port + "/postgres", "monitor", password))
 *     .build();
 * Diagnosis d = diagnostics.diagnose();
 * System.out.print(d.table());
 * for (Finding f : d.findings()) {
 *   if (f.remedy() instanceof Remedy.RunbookRemedy r && !r.destructive()) {
 *     runner.execute(r.runbook(catalogue), journal);
 *   }
 * }
 * }</pre>
 *
 * <p>What cannot be read is reported in {@link Diagnosis#notObserved()} and the checks that need it are skipped; a
 * diagnosis throws only when neither the REST API nor the DCS gives a topology. Outside input is read through the
 * client's typed, defensive parsers, and evidence is redacted ({@link Evidence}).
 *
 * <p>Thread-safety: immutable and thread-safe; share one instance per cluster.
 */
public final class ClusterDiagnostics {
  /** Default {@link Builder#slotRetentionLimitBytes}: 1 GiB. */
  public static final long DEFAULT_SLOT_RETENTION_LIMIT_BYTES = 1L << 30;

  private static final int SQL_TIMEOUT_SECONDS = 5;
  private static final String SLOTS_SQL = "SELECT slot_name, slot_type, restart_lsn::text,"
      + " pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,"
      + " restart_lsn)::bigint FROM pg_replication_slots WHERE NOT active AND restart_lsn IS NOT NULL"
      + " ORDER BY slot_name";
  private static final String ARCHIVER_SQL = "SELECT current_setting('archive_mode'), archived_count,"
      + " last_archived_wal, last_archived_time::text, failed_count, last_failed_wal, last_failed_time::text,"
      + " last_failed_time IS NOT NULL AND (last_archived_time IS NULL OR last_failed_time > last_archived_time)"
      + " FROM pg_stat_archiver";

  private final PatroniClient client;
  private final @Nullable ClusterRef ref;
  private final @Nullable DcsClient dcs;
  private final @Nullable PostgresConnector postgres;
  private final @Nullable ServiceRegistry serviceRegistry;
  private final @Nullable HostActions hosts;
  private final Function<String, List<String>> readUnit;
  private final Checks checks;
  private final Clock clock;

  private ClusterDiagnostics(Builder b) {
    this.client = b.client;
    this.ref = b.ref;
    this.dcs = b.dcs;
    this.postgres = b.postgres;
    this.serviceRegistry = b.serviceRegistry;
    this.hosts = b.hosts;
    this.readUnit = b.readUnit;
    this.checks = new Checks(b.slotRetentionLimitBytes);
    this.clock = b.clock;
  }

  /** Diagnostics over {@code client}, which it shares and never changes. */
  public static Builder builder(PatroniClient client) {
    return new Builder(client);
  }

  /**
   * Observes the cluster once and returns what is wrong with it.
   *
   * @throws PatroniException if neither the REST API nor the DCS answered (the message says why for each)
   */
  public Diagnosis diagnose() {
    List<String> notObserved = new ArrayList<>();
    ClusterSnapshot snapshot = null;
    if (dcs != null && ref != null) {
      try {
        snapshot = dcs.snapshot(ref);
      } catch (PatroniException e) {
        notObserved.add("DCS " + ref + ": " + e.getMessage());
      }
    }
    ClusterObservation rest = null;
    try {
      rest = client.observe(true);
    } catch (PatroniException e) {
      if (snapshot == null) {
        throw new PatroniException("cannot diagnose: no REST endpoint answered GET /cluster ("
            + e.getMessage() + ")" + (notObserved.isEmpty() ? "" : "; " + String.join("; ", notObserved)), e);
      }
      notObserved.add("REST GET /cluster: " + e.getMessage());
    }
    ClusterView view = rest != null ? rest.view() : Objects.requireNonNull(snapshot).toClusterView();
    Map<String, MemberStatus> statuses = rest != null ? rest.statuses() : Map.of();
    Map<String, String> unreachable = new LinkedHashMap<>();
    if (rest != null) {
      rest.unreachable().forEach((name, e) -> unreachable.put(name, String.valueOf(e.getMessage())));
    }

    DynamicConfig config = null;
    boolean configReadFailed = false;
    if (snapshot != null) {
      config = snapshot.config() == null ? null : snapshot.config().config();
    } else if (rest != null) {
      try {
        config = client.config();
      } catch (PatroniException e) {
        configReadFailed = true;
        notObserved.add("REST GET /config: " + e.getMessage());
      }
    }

    List<HistoryEntry> history = null;
    if (rest != null && replicaOffLeaderTimeline(view)) {
      try {
        history = client.history();
      } catch (PatroniException e) {
        notObserved.add("REST GET /history: " + e.getMessage());
      }
    }

    List<Observed.Slot> slots = null;
    Observed.Archiver archiver = null;
    Optional<Member> leader = view.findLeader();
    if (postgres != null && leader.isPresent()) {
      Member l = leader.get();
      if (l.host() == null || l.port() == null) {
        notObserved.add("SQL on " + l.name() + ": its conn_url names no host and port");
      } else {
        try (Connection c = postgres.connect(l.name(), l.host(), l.port())) {
          readOnly(c);
          slots = readSlots(c);
          archiver = readArchiver(c);
        } catch (SQLException | RuntimeException e) {
          notObserved.add("SQL on " + l.name() + ": " + e.getMessage());
        }
      }
    } else if (postgres != null) {
      notObserved.add("SQL: no leader to query");
    }

    List<ServiceRegistry.Registration> registrations = null;
    if (serviceRegistry != null) {
      try {
        registrations = serviceRegistry.registrations();
      } catch (RuntimeException e) {
        notObserved.add("service registry: " + e.getMessage());
      }
    }

    Map<String, Observed.Unit> units = new LinkedHashMap<>();
    if (hosts != null) {
      for (String member : view.memberNames()) {
        List<String> command = readUnit.apply(member);
        try {
          HostActions.CommandResult r = hosts.run(member, command);
          if (r.succeeded()) {
            units.put(member, new Observed.Unit(String.join(" ", command), r.stdout()));
          } else {
            notObserved.add("unit of " + member + ": " + String.join(" ", command) + " exited " + r.exitCode()
                + ": " + r.stderr().strip());
          }
        } catch (RuntimeException e) {
          notObserved.add("unit of " + member + ": " + e.getMessage());
        }
      }
    }

    Observed o = new Observed(view, rest != null ? Evidence.Source.REST : Evidence.Source.DCS, statuses, unreachable,
        client.knownMembers(), snapshot, config, configReadFailed, history, slots, archiver, registrations, units);
    return new Diagnosis(checks.run(o), notObserved, rest != null ? rest.observedAt() : clock.instant());
  }

  private static boolean replicaOffLeaderTimeline(ClusterView view) {
    Optional<Timeline> leaderTl = view.findLeader().map(Member::timeline);
    return leaderTl.isPresent() && view.members().stream()
        .anyMatch(m -> !m.isLeader() && m.timeline() != null && !m.timeline().equals(leaderTl.get()));
  }

  /** Makes the session read-only before anything else runs in it: a diagnosis cannot write, whatever it sends. */
  private static void readOnly(Connection c) throws SQLException {
    c.setReadOnly(true);
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(SQL_TIMEOUT_SECONDS);
      s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    }
  }

  private static List<Observed.Slot> readSlots(Connection c) throws SQLException {
    List<Observed.Slot> out = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(SQL_TIMEOUT_SECONDS);
      try (ResultSet rs = s.executeQuery(SLOTS_SQL)) {
        while (rs.next()) {
          out.add(new Observed.Slot(text(rs, 1), text(rs, 2), text(rs, 3), Math.max(0, rs.getLong(4))));
        }
      }
    }
    return out;
  }

  private static Observed.Archiver readArchiver(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(SQL_TIMEOUT_SECONDS);
      try (ResultSet rs = s.executeQuery(ARCHIVER_SQL)) {
        if (!rs.next()) {
          throw new SQLException("pg_stat_archiver returned no row");
        }
        return new Observed.Archiver(text(rs, 1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
            rs.getString(6), rs.getString(7), rs.getBoolean(8));
      }
    }
  }

  private static String text(ResultSet rs, int column) throws SQLException {
    String v = rs.getString(column);
    return v == null ? "" : v;
  }

  @Override
  public String toString() {
    return "ClusterDiagnostics{dcs=" + (ref == null ? "none" : ref) + ", sql=" + (postgres != null)
        + ", serviceRegistry=" + (serviceRegistry != null) + ", units=" + (hosts != null) + "}";
  }

  /** Builder for {@link ClusterDiagnostics}; not thread-safe. */
  public static final class Builder {
    private final PatroniClient client;
    private @Nullable ClusterRef ref;
    private @Nullable DcsClient dcs;
    private @Nullable PostgresConnector postgres;
    private @Nullable ServiceRegistry serviceRegistry;
    private @Nullable HostActions hosts;
    private Function<String, List<String>> readUnit = member -> List.of();
    private long slotRetentionLimitBytes = DEFAULT_SLOT_RETENTION_LIMIT_BYTES;
    private Clock clock = Clock.systemUTC();

    private Builder(PatroniClient client) {
      this.client = Objects.requireNonNull(client, "client == null");
    }

    /**
     * Reads the cluster {@code ref} from {@code dcs} too (a snapshot per diagnosis): needed to recognise stale DCS
     * state and a stale pause, and to diagnose a cluster whose Patroni does not answer. The caller keeps ownership.
     */
    public Builder dcs(ClusterRef ref, DcsClient dcs) {
      this.ref = Objects.requireNonNull(ref, "ref == null");
      this.dcs = Objects.requireNonNull(dcs, "dcs == null");
      return this;
    }

    /**
     * SQL access to the leader, for the replication-slot and archiving checks. Each diagnosis opens one connection,
     * makes its session read-only ({@code SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY}) and closes it: give
     * a connector that opens a new connection, not one lent from a pool the application writes through.
     */
    public Builder postgres(PostgresConnector postgres) {
      this.postgres = Objects.requireNonNull(postgres, "postgres == null");
      return this;
    }

    /** Where members are registered for discovery, to find registrations whose member is gone. */
    public Builder serviceRegistry(ServiceRegistry registry) {
      this.serviceRegistry = Objects.requireNonNull(registry, "registry == null");
      return this;
    }

    /**
     * Reads each member's Patroni systemd unit on its host with {@code readUnitCommand} (for example {@code member ->
     * List.of("systemctl", "cat", "patroni.service")}, which includes drop-ins) and checks it would not stop
     * PostgreSQL with Patroni. One command per member per diagnosis: over ssh, diagnose less often.
     */
    public Builder systemdUnits(HostActions hosts, Function<String, List<String>> readUnitCommand) {
      this.hosts = Objects.requireNonNull(hosts, "hosts == null");
      this.readUnit = Objects.requireNonNull(readUnitCommand, "readUnitCommand == null");
      return this;
    }

    /** An inactive slot holding back at least this many bytes of WAL is a finding (default 1 GiB). */
    public Builder slotRetentionLimitBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("slotRetentionLimitBytes must be at least 1, was " + bytes);
      }
      this.slotRetentionLimitBytes = bytes;
      return this;
    }

    /** The clock that stamps a diagnosis made without REST (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public ClusterDiagnostics build() {
      return new ClusterDiagnostics(this);
    }
  }
}
