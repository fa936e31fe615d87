package dev.patroni4j.client.model;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One member's own report of itself: {@code GET /patroni}, also the body of every health check.
 *
 * <p>Only {@code state}, {@code role} and {@code patroni} are always sent; every other field is
 * null, empty or false when Patroni leaves it out. Booleans that Patroni only ever sends as {@code
 * true} ({@code "pause"}, {@code pending_restart}, ...) are false when absent.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * // given: PatroniClient client; URI uri;
 * MemberStatus s = client.memberAt(uri).status();
 * if (s.role().is(Role.Kind.PRIMARY) && s.paused()) {
 *   // the primary, in maintenance mode
 * }
 * Lsn pos = s.xlogLocation() != null ? s.xlogLocation() : s.replayedLocation();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param state the PostgreSQL state
 * @param role the PostgreSQL role ({@code master}/{@code primary}, {@code replica}, {@code standby_leader}, ...)
 * @param serverVersion PostgreSQL's {@code server_version_num}
 * @param timeline the current timeline
 * @param postmasterStartTime when the postmaster started
 * @param xlogLocation the primary's WAL write position ({@code xlog.location})
 * @param receivedLocation a replica's last received position ({@code xlog.received_location})
 * @param replayedLocation a replica's last replayed position ({@code xlog.replayed_location})
 * @param replayedTimestamp commit time of the last replayed transaction
 * @param replayPaused true if WAL replay is paused ({@code xlog.paused}); null if not reported
 * @param replication the leader's WAL senders
 * @param replicationState {@code streaming} / {@code in archive recovery} (3.0.4+)
 * @param syncStandby true if this replica is a synchronous standby (3.0.2+)
 * @param quorumStandby true if this replica is a quorum standby (4.0.0+)
 * @param paused true if the cluster is paused
 * @param clusterUnlocked true if the cluster has no leader, or this member has no DCS view
 * @param failsafeModeActive true if failsafe mode keeps the primary up without the DCS (3.0.0+)
 * @param dcsLastSeen when this member last reached the DCS
 * @param tags the member's effective tags
 * @param systemIdentifier the PostgreSQL system identifier (digits)
 * @param pendingRestart true if a setting needs a restart
 * @param pendingRestartReason the settings that need the restart (3.3.0+)
 * @param scheduledRestart the scheduled restart, if any
 * @param watchdogFailed true if the watchdog failed
 * @param patroniVersion the Patroni version ({@code patroni.version})
 * @param scope the cluster name ({@code patroni.scope})
 * @param name the member name ({@code patroni.name}, 3.2.0+)
 * @param unknownFields fields this library does not model: name to the field's JSON text
 * @param rawJson the document as received, or null if built in code
 */
public record MemberStatus(
    MemberState state,
    Role role,
    @Nullable PostgresVersion serverVersion,
    @Nullable Timeline timeline,
    @Nullable OffsetDateTime postmasterStartTime,
    @Nullable Lsn xlogLocation,
    @Nullable Lsn receivedLocation,
    @Nullable Lsn replayedLocation,
    @Nullable OffsetDateTime replayedTimestamp,
    @Nullable Boolean replayPaused,
    List<ReplicationConnection> replication,
    @Nullable MemberState replicationState,
    boolean syncStandby,
    boolean quorumStandby,
    boolean paused,
    boolean clusterUnlocked,
    boolean failsafeModeActive,
    @Nullable Instant dcsLastSeen,
    Tags tags,
    @Nullable String systemIdentifier,
    boolean pendingRestart,
    Map<String, ParameterChange> pendingRestartReason,
    @Nullable ScheduledRestart scheduledRestart,
    boolean watchdogFailed,
    @Nullable PatroniVersion patroniVersion,
    @Nullable String scope,
    @Nullable String name,
    Map<String, String> unknownFields,
    @Nullable String rawJson) {

  public MemberStatus {
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(role, "role == null");
    Objects.requireNonNull(tags, "tags == null");
    replication = List.copyOf(replication);
    pendingRestartReason = Map.copyOf(pendingRestartReason);
    unknownFields = ModelMaps.copyOrdered(unknownFields);
  }

  /** Starts a builder; every other field defaults to absent/empty/false. */
  public static Builder builder(MemberState state, Role role) {
    return new Builder(state, role);
  }

  /**
   * The member's WAL position: {@code xlog.location} on a primary, else the replayed position, else
   * the received one.
   */
  public Optional<Lsn> walPosition() {
    if (xlogLocation != null) {
      return Optional.of(xlogLocation);
    }
    return Optional.ofNullable(replayedLocation != null ? replayedLocation : receivedLocation);
  }

  /** The Patroni version, if reported. */
  public Optional<PatroniVersion> findPatroniVersion() {
    return Optional.ofNullable(patroniVersion);
  }

  /** Builds a {@link MemberStatus}. Not thread-safe; use one per thread. */
  public static final class Builder {
    private final MemberState state;
    private final Role role;
    private @Nullable PostgresVersion serverVersion;
    private @Nullable Timeline timeline;
    private @Nullable OffsetDateTime postmasterStartTime;
    private @Nullable Lsn xlogLocation;
    private @Nullable Lsn receivedLocation;
    private @Nullable Lsn replayedLocation;
    private @Nullable OffsetDateTime replayedTimestamp;
    private @Nullable Boolean replayPaused;
    private List<ReplicationConnection> replication = List.of();
    private @Nullable MemberState replicationState;
    private boolean syncStandby;
    private boolean quorumStandby;
    private boolean paused;
    private boolean clusterUnlocked;
    private boolean failsafeModeActive;
    private @Nullable Instant dcsLastSeen;
    private Tags tags = Tags.empty();
    private @Nullable String systemIdentifier;
    private boolean pendingRestart;
    private Map<String, ParameterChange> pendingRestartReason = Map.of();
    private @Nullable ScheduledRestart scheduledRestart;
    private boolean watchdogFailed;
    private @Nullable PatroniVersion patroniVersion;
    private @Nullable String scope;
    private @Nullable String name;
    private Map<String, String> unknownFields = new LinkedHashMap<>();
    private @Nullable String rawJson;

    private Builder(MemberState state, Role role) {
      this.state = state;
      this.role = role;
    }

    public Builder serverVersion(@Nullable PostgresVersion v) { serverVersion = v; return this; }
    public Builder timeline(@Nullable Timeline v) { timeline = v; return this; }
    public Builder postmasterStartTime(@Nullable OffsetDateTime v) { postmasterStartTime = v; return this; }
    public Builder xlogLocation(@Nullable Lsn v) { xlogLocation = v; return this; }
    public Builder receivedLocation(@Nullable Lsn v) { receivedLocation = v; return this; }
    public Builder replayedLocation(@Nullable Lsn v) { replayedLocation = v; return this; }
    public Builder replayedTimestamp(@Nullable OffsetDateTime v) { replayedTimestamp = v; return this; }
    public Builder replayPaused(@Nullable Boolean v) { replayPaused = v; return this; }
    public Builder replication(List<ReplicationConnection> v) { replication = v; return this; }
    public Builder replicationState(@Nullable MemberState v) { replicationState = v; return this; }
    public Builder syncStandby(boolean v) { syncStandby = v; return this; }
    public Builder quorumStandby(boolean v) { quorumStandby = v; return this; }
    public Builder paused(boolean v) { paused = v; return this; }
    public Builder clusterUnlocked(boolean v) { clusterUnlocked = v; return this; }
    public Builder failsafeModeActive(boolean v) { failsafeModeActive = v; return this; }
    public Builder dcsLastSeen(@Nullable Instant v) { dcsLastSeen = v; return this; }
    public Builder tags(Tags v) { tags = v; return this; }
    public Builder systemIdentifier(@Nullable String v) { systemIdentifier = v; return this; }
    public Builder pendingRestart(boolean v) { pendingRestart = v; return this; }
    public Builder pendingRestartReason(Map<String, ParameterChange> v) { pendingRestartReason = v; return this; }
    public Builder scheduledRestart(@Nullable ScheduledRestart v) { scheduledRestart = v; return this; }
    public Builder watchdogFailed(boolean v) { watchdogFailed = v; return this; }
    public Builder patroniVersion(@Nullable PatroniVersion v) { patroniVersion = v; return this; }
    public Builder scope(@Nullable String v) { scope = v; return this; }
    public Builder name(@Nullable String v) { name = v; return this; }
    public Builder unknownFields(Map<String, String> v) { unknownFields = v; return this; }
    public Builder rawJson(@Nullable String v) { rawJson = v; return this; }

    public MemberStatus build() {
      return new MemberStatus(state, role, serverVersion, timeline, postmasterStartTime,
          xlogLocation, receivedLocation, replayedLocation, replayedTimestamp, replayPaused,
          replication, replicationState, syncStandby, quorumStandby, paused, clusterUnlocked,
          failsafeModeActive, dcsLastSeen, tags, systemIdentifier, pendingRestart,
          pendingRestartReason, scheduledRestart, watchdogFailed, patroniVersion, scope, name,
          unknownFields, rawJson);
    }
  }
}
