package dev.patroni4j.walg;

/**
 * A retention policy cannot be turned into a plan, for the reason WAL-G itself would refuse it
 * (the target is a delta without {@code FIND_FULL}, the target is permanent, the named backup does
 * not exist), or because planning would be unsafe (backups of different clusters in one prefix).
 * Nothing was deleted.
 */
public final class RetentionException extends WalgException {
  private static final long serialVersionUID = 1L;
  private final String policy;

  public RetentionException(String policy, String message) {
    super(policy + ": " + message);
    this.policy = policy;
  }

  /** The policy in WAL-G's own command syntax, e.g. {@code retain FULL 3}. */
  public String policy() {
    return policy;
  }
}
