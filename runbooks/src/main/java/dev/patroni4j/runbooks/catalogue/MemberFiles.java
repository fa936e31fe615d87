package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a member's PostgreSQL lives on its host, as its {@code patroni.yml} says ({@code postgresql.data_dir},
 * {@code config_dir}, {@code bin_dir}), and what its programs report about it.
 */
record MemberFiles(String member, Path configFile, Path dataDir, Path configDir, @Nullable Path binDir) {
  static MemberFiles read(HostActions hosts, String member, Path configFile) {
    String yaml = hosts.readFile(member, configFile)
        .orElseThrow(() -> new RunbookException("no " + configFile + " on " + member));
    PatroniConfig.Postgresql pg = PatroniConfig.parse(yaml, configFile.toString()).postgresql();
    Path data = Path.of(pg.dataDir().orElseThrow(() -> new RunbookException(configFile + " on " + member
        + " names no postgresql.data_dir")));
    return new MemberFiles(member, configFile, data, pg.configDir().map(Path::of).orElse(data),
        pg.binDir().filter(s -> !s.isBlank()).map(Path::of).orElse(null));
  }

  /** The program {@code name} of the member's PostgreSQL installation ({@code bin_dir}, else the search path). */
  String tool(String name) {
    return binDir == null ? name : binDir.resolve(name).toString();
  }

  /** {@code pg_controldata}'s fields (in the C locale), e.g. {@code Database cluster state}. */
  Map<String, String> controlData(HostActions hosts) {
    HostActions.CommandResult r = hosts.run(member, List.of("env", "LC_ALL=C", tool("pg_controldata"), "-D",
        dataDir.toString()));
    if (!r.succeeded()) {
      throw new RunbookException("pg_controldata on " + member + " failed (exit " + r.exitCode() + "): "
          + r.stderr().strip());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n", -1)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    return out;
  }

  /** Whether a postmaster runs on the data directory ({@code pg_ctl status}: 0 running, 3 not running). */
  boolean postgresRunning(HostActions hosts) {
    HostActions.CommandResult r = hosts.run(member, List.of(tool("pg_ctl"), "status", "-D", dataDir.toString()));
    if (r.exitCode() == 0) {
      return true;
    }
    if (r.exitCode() == 3) {
      return false;
    }
    throw new RunbookException("pg_ctl status on " + member + " failed (exit " + r.exitCode() + "): "
        + r.stderr().strip());
  }

  /** The timeline of the latest checkpoint, or 0 if {@code pg_controldata} does not say. */
  static long checkpointTimeline(Map<String, String> control) {
    try {
      return Long.parseLong(control.getOrDefault("Latest checkpoint's TimeLineID", "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
