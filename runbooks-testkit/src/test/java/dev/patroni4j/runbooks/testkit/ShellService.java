package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.runbooks.host.ShellHostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniInstallation;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for systemd and a package manager on this machine, so that {@link ShellHostActions} runs its real shell
 * commands against a test kit member: {@code service.sh start|stop|switch member [version]} runs the member's Patroni
 * as a daemon of the release it was switched to (one launcher script per installed release), with the member's own
 * configuration, data directory and log.
 */
final class ShellService {
  private static final String SCRIPT = """
      #!/bin/sh
      set -eu
      action=$1 member=$2 dir=$(dirname "$0")/$2
      running() { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; }
      case $action in
      start)
        running && exit 0
        setsid "$dir/launch-$(cat "$dir/version")" >>"$dir/patroni.log" 2>&1 </dev/null &
        echo $! >"$dir/pid" ;;
      stop)
        running || exit 0
        pid=$(cat "$dir/pid"); kill -TERM "$pid"
        i=0; while kill -0 "$pid" 2>/dev/null; do
          i=$((i + 1)); [ "$i" -lt 600 ] || kill -KILL "$pid"; sleep 0.1
        done
        rm -f "$dir/pid" ;;
      switch)
        [ -x "$dir/launch-$3" ] || { echo "Patroni $3 is not installed for $member" >&2; exit 2; }
        echo "$3" >"$dir/version" ;;
      esac
      """;

  private final Path directory;

  private ShellService(Path directory) {
    this.directory = directory;
  }

  /** Writes the service script and, for {@code node}, one launcher per installed Patroni release. */
  static ShellService install(LocalPatroniCluster cluster, PatroniNode node) {
    Path dir = cluster.directory().resolve("shell-service");
    try {
      Files.createDirectories(dir.resolve(node.name()));
      executable(dir.resolve("service.sh"), SCRIPT);
      for (PatroniInstallation installation : PatroniInstallation.all()) {
        if (installation.isInstalled()) {
          executable(dir.resolve(node.name()).resolve("launch-" + installation.version()), launcher(node, installation));
        }
      }
      Files.writeString(dir.resolve(node.name()).resolve("version"), node.patroniVersion() + "\n");
      Files.deleteIfExists(dir.resolve(node.name()).resolve("patroni.log"));
      Files.createSymbolicLink(dir.resolve(node.name()).resolve("patroni.log"), node.logFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ShellService(dir);
  }

  /** Host actions whose Patroni commands go through the service script, the rest through ShellHostActions' own. */
  ShellHostActions hostActions(LocalPatroniCluster cluster) {
    String service = ShellHostActions.quote(directory.resolve("service.sh").toString());
    String pgCtl = asClusterUser() + "/usr/lib/postgresql/15/bin/pg_ctl -D {dataDir} stop -m fast -w";
    return ShellHostActions.local()
        .startPatroni(service + " start {member}")
        .stopPatroni(service + " stop {member}")
        .switchInstallation(service + " switch {member} {version}")
        .stopPostgres(pgCtl)
        .dataDirectory(member -> cluster.node(member).dataDir())
        .build();
  }

  private static String launcher(PatroniNode node, PatroniInstallation installation) {
    Map<String, String> env = new LinkedHashMap<>(installation.environment());
    env.put("HOME", node.directory().toString());
    env.put("LC_ALL", "C.UTF-8");
    env.put("LANG", "C.UTF-8");
    env.put("PGHOST", node.directory().toString());
    List<String> words = new ArrayList<>(List.of("exec", "env"));
    env.forEach((k, v) -> words.add(k + "=" + ShellHostActions.quote(v)));
    StringBuilder line = new StringBuilder(String.join(" ", words)).append(' ').append(asClusterUser());
    installation.patroniCommand(node.configFile()).forEach(w -> line.append(ShellHostActions.quote(w)).append(' '));
    return "#!/bin/sh\n" + line.toString().strip() + "\n";
  }

  /** PostgreSQL refuses to run as root: as root, the member's processes run as postgres, as the test kit's do. */
  private static String asClusterUser() {
    return "root".equals(System.getProperty("user.name"))
        ? "setpriv --reuid=postgres --regid=postgres --init-groups -- " : "";
  }

  private static void executable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
