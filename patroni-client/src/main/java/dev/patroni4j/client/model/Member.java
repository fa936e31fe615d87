package dev.patroni4j.client.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One cluster member as seen in the cluster topology: an entry of {@code GET /cluster}'s {@code
 * members}, or a member key of the DCS with its cluster role worked out from the leader and sync
 * keys.
 *
 * <p>Fields a given source or Patroni version does not report are {@code null}, {@link
 * Lag#absent()}, empty or false; {@link #unknownFields()} keeps every field this library does not
 * model, and {@link #rawJson()} the member's JSON exactly as received.
 *
 * <pre>{@code
 * // given: ClusterView view;
 * Member m = view.member("pg2");
 * if (m.role().isReplica() && m.state().isRunning() && m.lag().isAtMost(1 << 20)) {
 *   // a healthy, caught-up replica
 * }
 * Member built = Member.builder("pg1", Role.of("leader"), MemberState.of("running"))
 *     .timeline(Timeline.of(2)).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the member name ({@code name} in patroni.yml)
 * @param role the cluster role ({@code leader}, {@code replica}, {@code sync_standby}, ...)
 * @param state the leader's PostgreSQL state; for others the replication state if reported, else
 *     the PostgreSQL state (what {@code /cluster} shows)
 * @param apiUrl the member's REST URL as registered, e.g. {@code http://10.0.0.1:8008/patroni}
 * @param host PostgreSQL host from the member's {@code conn_url}
 * @param port PostgreSQL port from the member's {@code conn_url}
 * @param timeline the member's timeline, if reported
 * @param lag bytes behind the leader ({@code /cluster} {@code lag}); absent for the leader
 * @param lsn the member's position ({@code lsn}, 4.1.0+)
 * @param receiveLsn last WAL position received (4.1.0+)
 * @param receiveLag bytes received behind the leader (4.1.0+)
 * @param replayLsn last WAL position replayed (4.1.0+)
 * @param replayLag bytes replayed behind the leader (4.1.0+)
 * @param tags the member's tags
 * @param pendingRestart true if a setting changed that needs a restart
 * @param pendingRestartReason the settings that need the restart (3.3.0+), by name
 * @param scheduledRestart a restart scheduled on this member
 * @param connUrl the member's {@code conn_url} (DCS only), e.g. {@code postgres://h:5432/postgres}
 * @param patroniVersion the member's Patroni version (DCS only)
 * @param xlogLocation the member's WAL position as stored in its DCS key
 * @param replicationState {@code streaming} / {@code in archive recovery} from the DCS key (3.0.4+)
 * @param paused the member's own view of the pause flag (DCS only); null if not reported
 * @param unknownFields fields this library does not model: name to the field's JSON text
 * @param rawJson the member's JSON as received, or null if built in code
 */
public record Member(
    String name,
    Role role,
    MemberState state,
    @Nullable String apiUrl,
    @Nullable String host,
    @Nullable Integer port,
    @Nullable Timeline timeline,
    Lag lag,
    @Nullable Lsn lsn,
    @Nullable Lsn receiveLsn,
    Lag receiveLag,
    @Nullable Lsn replayLsn,
    Lag replayLag,
    Tags tags,
    boolean pendingRestart,
    Map<String, ParameterChange> pendingRestartReason,
    @Nullable ScheduledRestart scheduledRestart,
    @Nullable String connUrl,
    @Nullable PatroniVersion patroniVersion,
    @Nullable Lsn xlogLocation,
    @Nullable MemberState replicationState,
    @Nullable Boolean paused,
    Map<String, String> unknownFields,
    @Nullable String rawJson) {

  public Member {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(role, "role == null");
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(lag, "lag == null");
    Objects.requireNonNull(receiveLag, "receiveLag == null");
    Objects.requireNonNull(replayLag, "replayLag == null");
    Objects.requireNonNull(tags, "tags == null");
    pendingRestartReason = Map.copyOf(pendingRestartReason);
    unknownFields = ModelMaps.copyOrdered(unknownFields);
  }

  /** Starts a builder; every other field defaults to absent/empty/false. */
  public static Builder builder(String name, Role role, MemberState state) {
    return new Builder(name, role, state);
  }

  /** A builder initialised with this member's fields. */
  public Builder toBuilder() {
    Builder b = new Builder(name, role, state);
    b.apiUrl = apiUrl;
    b.host = host;
    b.port = port;
    b.timeline = timeline;
    b.lag = lag;
    b.lsn = lsn;
    b.receiveLsn = receiveLsn;
    b.receiveLag = receiveLag;
    b.replayLsn = replayLsn;
    b.replayLag = replayLag;
    b.tags = tags;
    b.pendingRestart = pendingRestart;
    b.pendingRestartReason = pendingRestartReason;
    b.scheduledRestart = scheduledRestart;
    b.connUrl = connUrl;
    b.patroniVersion = patroniVersion;
    b.xlogLocation = xlogLocation;
    b.replicationState = replicationState;
    b.paused = paused;
    b.unknownFields = unknownFields;
    b.rawJson = rawJson;
    return b;
  }

  /** True if this member holds the leader lock ({@code leader} or {@code standby_leader}). */
  public boolean isLeader() {
    return role.isLeader();
  }

  /** The timeline, if reported. */
  public Optional<Timeline> findTimeline() {
    return Optional.ofNullable(timeline);
  }

  /** The scheduled restart, if any. */
  public Optional<ScheduledRestart> findScheduledRestart() {
    return Optional.ofNullable(scheduledRestart);
  }

  /** Builds a {@link Member}. Not thread-safe; use one per thread. */
  public static final class Builder {
    private final String name;
    private final Role role;
    private final MemberState state;
    private @Nullable String apiUrl;
    private @Nullable String host;
    private @Nullable Integer port;
    private @Nullable Timeline timeline;
    private Lag lag = Lag.absent();
    private @Nullable Lsn lsn;
    private @Nullable Lsn receiveLsn;
    private Lag receiveLag = Lag.absent();
    private @Nullable Lsn replayLsn;
    private Lag replayLag = Lag.absent();
    private Tags tags = Tags.empty();
    private boolean pendingRestart;
    private Map<String, ParameterChange> pendingRestartReason = Map.of();
    private @Nullable ScheduledRestart scheduledRestart;
    private @Nullable String connUrl;
    private @Nullable PatroniVersion patroniVersion;
    private @Nullable Lsn xlogLocation;
    private @Nullable MemberState replicationState;
    private @Nullable Boolean paused;
    private Map<String, String> unknownFields = new LinkedHashMap<>();
    private @Nullable String rawJson;

    private Builder(String name, Role role, MemberState state) {
      this.name = name;
      this.role = role;
      this.state = state;
    }

    public Builder apiUrl(@Nullable String v) { apiUrl = v; return this; }
    public Builder host(@Nullable String v) { host = v; return this; }
    public Builder port(@Nullable Integer v) { port = v; return this; }
    public Builder timeline(@Nullable Timeline v) { timeline = v; return this; }
    public Builder lag(Lag v) { lag = v; return this; }
    public Builder lsn(@Nullable Lsn v) { lsn = v; return this; }
    public Builder receiveLsn(@Nullable Lsn v) { receiveLsn = v; return this; }
    public Builder receiveLag(Lag v) { receiveLag = v; return this; }
    public Builder replayLsn(@Nullable Lsn v) { replayLsn = v; return this; }
    public Builder replayLag(Lag v) { replayLag = v; return this; }
    public Builder tags(Tags v) { tags = v; return this; }
    public Builder pendingRestart(boolean v) { pendingRestart = v; return this; }
    public Builder pendingRestartReason(Map<String, ParameterChange> v) { pendingRestartReason = v; return this; }
    public Builder scheduledRestart(@Nullable ScheduledRestart v) { scheduledRestart = v; return this; }
    public Builder connUrl(@Nullable String v) { connUrl = v; return this; }
    public Builder patroniVersion(@Nullable PatroniVersion v) { patroniVersion = v; return this; }
    public Builder xlogLocation(@Nullable Lsn v) { xlogLocation = v; return this; }
    public Builder replicationState(@Nullable MemberState v) { replicationState = v; return this; }
    public Builder paused(@Nullable Boolean v) { paused = v; return this; }
    public Builder unknownFields(Map<String, String> v) { unknownFields = v; return this; }
    public Builder rawJson(@Nullable String v) { rawJson = v; return this; }

    public Member build() {
      return new Member(name, role, state, apiUrl, host, port, timeline, lag, lsn, receiveLsn,
          receiveLag, replayLsn, replayLag, tags, pendingRestart, pendingRestartReason,
          scheduledRestart, connUrl, patroniVersion, xlogLocation, replicationState, paused,
          unknownFields, rawJson);
    }
  }
}
