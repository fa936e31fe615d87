package dev.patroni4j.runbooks.host;

import dev.patroni4j.client.Confirmable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A member's data directory as the target of {@link HostActions#wipeDataDirectory}: the {@link
 * dev.patroni4j.client.Confirmation} that allows wiping it names the member and the path, so a confirmation given for
 * one member's directory wipes no other.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * // given: HostActions hosts;
 * DataDirectory target = new DataDirectory("pg3", Path.of("/var/lib/postgresql/15/main"));
 * hosts.wipeDataDirectory("pg3", target.path(), Confirmation.of(target)); // token "wipe:pg3:/var/lib/..."
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @param member the member whose host holds the directory
 * @param path the data directory, absolute and normalized
 */
public record DataDirectory(String member, Path path) implements Confirmable {
  public DataDirectory {
    Objects.requireNonNull(member, "member == null");
    path = Objects.requireNonNull(path, "path == null").normalize();
    if (!path.isAbsolute() || path.getNameCount() < 2) {
      throw new IllegalArgumentException("refusing to wipe '" + path + "' on " + member
          + ": not an absolute path at least two levels deep");
    }
  }

  @Override
  public String confirmationToken() {
    return "wipe:" + member + ":" + path;
  }

  @Override
  public String confirmationSubject() {
    return "data directory " + path + " of " + member;
  }
}
