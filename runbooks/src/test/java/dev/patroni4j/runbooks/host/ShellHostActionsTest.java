package dev.patroni4j.runbooks.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.model.PatroniVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellHostActionsTest {
  @TempDir Path dir;

  @Test
  void templatesAreExpandedWithQuotedValuesAndRunLocally() throws Exception {
    Path log = dir.resolve("it's a log");
    HostActions hosts = ShellHostActions.local()
        .stopPatroni("echo stop {member} >> " + ShellHostActions.quote(log.toString()))
        .startPatroni("echo start {member} {dataDir} >> " + ShellHostActions.quote(log.toString()))
        .stopPostgres("exit 3")
        .switchInstallation("echo switch {member} to {version} >> " + ShellHostActions.quote(log.toString()))
        .dataDirectory(m -> dir.resolve("data " + m))
        .build();

    hosts.stopPatroni("pg'2");
    hosts.switchPatroniInstallation("pg'2", PatroniVersion.parse("4.1.5; rm -rf /"));
    hosts.startPatroni("pg2");

    assertThat(Files.readAllLines(log)).containsExactly("stop pg'2", "switch pg'2 to 4.1.5",
        "start pg2 " + dir.resolve("data pg2"));
    assertThatThrownBy(() -> hosts.stopPostgres("pg2")).isInstanceOf(HostActionException.class)
        .hasMessageContaining("stopPostgres on pg2 failed (exit 3)");
  }

  @Test
  void filesAreWrittenAtomicallyMovedAndDataDirectoriesWipedButNotRoots() throws Exception {
    HostActions hosts = ShellHostActions.local().build();
    Path f = dir.resolve("patroni.yml");
    hosts.writeFile("pg1", f, "secret: x\n".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(f)).isEqualTo("secret: x\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    hosts.moveFile("pg1", f, dir.resolve("moved.yml"));
    assertThat(dir.resolve("moved.yml")).exists();
    assertThat(f).doesNotExist();

    Path data = Files.createDirectories(dir.resolve("data/base"));
    Files.writeString(data.resolve("PG_VERSION"), "15");
    assertThatThrownBy(() -> hosts.wipeDataDirectory("pg1", dir.resolve("data"),
        Confirmation.of(new DataDirectory("pg2", dir.resolve("data")))))
        .isInstanceOf(ConfirmationRefusedException.class).hasMessageContaining("of pg1");
    assertThat(data.resolve("PG_VERSION")).exists();
    hosts.wipeDataDirectory("pg1", dir.resolve("data"), Confirmation.of(new DataDirectory("pg1", dir.resolve("data"))));
    assertThat(dir.resolve("data")).isEmptyDirectory();
    assertThatThrownBy(() -> hosts.wipeDataDirectory("pg1", Path.of("/tmp"), Confirmation.of("wipe:pg1:/tmp")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refusing to wipe");
  }

  @Test
  void switchingTheInstallationWithoutATemplateSaysWhatIsMissingAndRunsNothing() {
    HostActions hosts = ShellHostActions.local().build();
    assertThatThrownBy(() -> hosts.switchPatroniInstallation("pg1", PatroniVersion.parse("4.1.5")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no switchInstallation(...) template");
  }

  @Test
  void sshRunsTheCommandOnTheMembersHostThroughTheConfiguredClient() throws Exception {
    // A stand-in ssh client: records the host and runs the remote command locally, as sshd would.
    Path fakeSsh = dir.resolve("fake-ssh");
    Files.writeString(fakeSsh, "#!/bin/sh\necho \"$1\" > " + dir.resolve("host") + "\nshift\nshift\nexec sh -c \"$1\"\n");
    fakeSsh.toFile().setExecutable(true);
    HostActions hosts = ShellHostActions.ssh(m -> m + ".db.internal").sshCommand(List.of(fakeSsh.toString())).build();

    HostActions.CommandResult r = hosts.run("pg3", List.of("printf", "%s|", "a b", "it's"));

    assertThat(r.stdout()).isEqualTo("a b|it's|");
    assertThat(Files.readString(dir.resolve("host")).strip()).isEqualTo("pg3.db.internal");
  }

  @Test
  void aCommandsOutputNeverShowsInItsResultsToStringNorAReadFilesFailure() throws Exception {
    HostActions hosts = ShellHostActions.local().build();
    Path secret = dir.resolve("patroni.yml");
    Files.writeString(secret, "password: s3cr3t-Pw\n");

    HostActions.CommandResult r = hosts.run("pg1", List.of("cat", secret.toString()));

    assertThat(r.stdout()).contains("s3cr3t-Pw");
    assertThat(r.toString()).doesNotContain("s3cr3t-Pw").contains("exitCode=0");
    assertThat(hosts.readFile("pg1", secret)).hasValue("password: s3cr3t-Pw\n");
    assertThatThrownBy(() -> hosts.readFile("pg1", dir)).isInstanceOf(HostActionException.class)
        .hasMessageContaining("readFile " + dir).hasMessageNotContaining("s3cr3t-Pw");
  }
}
