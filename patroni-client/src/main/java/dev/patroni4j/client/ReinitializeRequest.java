package dev.patroni4j.client;

/**
 * Rebuild a replica's data directory from the leader ({@code POST /reinitialize}). Destroys the
 * member's data: call it on a replica only (Patroni refuses on the leader).
 *
 * <pre>{@code
 * // given: MemberClient member;
 * member.reinitialize(ReinitializeRequest.standard().force(true));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param force cancel an action already running on the member
 * @param fromLeader take the base backup from the leader even if another source is configured
 *     (Patroni 4.1+; not sent unless true)
 */
public record ReinitializeRequest(boolean force, boolean fromLeader) {

  /** Without force, from the configured source. */
  public static ReinitializeRequest standard() {
    return new ReinitializeRequest(false, false);
  }

  /** Cancel an action already in progress first. */
  public ReinitializeRequest force(boolean force) {
    return new ReinitializeRequest(force, fromLeader);
  }

  /** Clone from the leader (4.1+). */
  public ReinitializeRequest fromLeader(boolean fromLeader) {
    return new ReinitializeRequest(force, fromLeader);
  }
}
