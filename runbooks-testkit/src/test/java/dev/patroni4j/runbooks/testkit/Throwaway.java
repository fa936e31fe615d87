package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.runbooks.host.HostActions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Starts a restored data directory as a throwaway PostgreSQL, runs one query once it is promoted, removes it. */
final class Throwaway {
  private static final String BIN = "/usr/lib/postgresql/15/bin/";

  private Throwaway() {}

  static List<String> query(HostActions hosts, String member, Path dir, int port, String sql) throws Exception {
    hosts.writeFile(member, dir.resolve("p4j_hba.conf"), "local all all trust\n".getBytes(StandardCharsets.UTF_8));
    String options = "-c port=" + port + " -c listen_addresses='' -c unix_socket_directories=" + dir
        + " -c hba_file=" + dir.resolve("p4j_hba.conf") + " -c logging_collector=off -c archive_mode=off";
    try {
      check(hosts.run(member, List.of(BIN + "pg_ctl", "-D", dir.toString(), "-w", "-t", "120", "-l",
          dir.resolve("p4j.log").toString(), "-o", options, "start")), "pg_ctl start");
      for (int i = 0; i < 600; i++) {
        HostActions.CommandResult r = psql(hosts, member, dir, port, "SELECT pg_is_in_recovery()");
        if (r.succeeded() && r.stdout().strip().equals("f")) {
          break;
        }
        Thread.sleep(100);
      }
      HostActions.CommandResult r = psql(hosts, member, dir, port, sql);
      check(r, "psql");
      return r.stdout().lines().toList();
    } finally {
      hosts.run(member, List.of(BIN + "pg_ctl", "-D", dir.toString(), "-m", "immediate", "stop"));
      hosts.run(member, List.of("rm", "-rf", "--", dir.toString()));
    }
  }

  private static HostActions.CommandResult psql(HostActions hosts, String member, Path dir, int port, String sql) {
    return hosts.run(member, List.of(BIN + "psql", "-h", dir.toString(), "-p", Integer.toString(port), "-d",
        "postgres", "-U", "postgres", "-X", "-A", "-t", "-c", sql));
  }

  private static void check(HostActions.CommandResult r, String what) {
    if (!r.succeeded()) {
      throw new AssertionError(what + " failed: " + r.stderr() + r.stdout());
    }
  }
}
