package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.TestkitException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The OS user the cluster's processes run as. PostgreSQL refuses to run as root, so when the JVM is
 * root every process runs as {@code postgres} (through {@code setpriv}, which execs and so keeps
 * the PID we see equal to the real process) in directories that user owns.
 */
public final class OsUser {
  private final @Nullable String runAs;

  private OsUser(@Nullable String runAs) {
    this.runAs = runAs;
  }

  public static OsUser detect() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return new OsUser(null);
    }
    try {
      UserPrincipalLookupService lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
      lookup.lookupPrincipalByName("postgres");
    } catch (IOException e) {
      throw new TestkitException("the JVM runs as root, so PostgreSQL must run as the 'postgres' OS"
          + " user, which does not exist: install postgresql-15 (it creates the user) or run the"
          + " tests as an ordinary user");
    }
    return new OsUser("postgres");
  }

  /** The command prefix that makes a child process run as this user; empty when it is us. */
  public List<String> commandPrefix() {
    if (runAs == null) {
      return List.of();
    }
    return List.of("setpriv", "--reuid=" + runAs, "--regid=" + runAs, "--init-groups", "--");
  }

  /** Hands the tree below {@code root} to this user, so that the processes can write there. */
  public void takeOwnership(Path root) {
    if (runAs == null) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal user = lookup.lookupPrincipalByName(runAs);
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(runAs);
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          own(dir);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          own(file);
          return FileVisitResult.CONTINUE;
        }

        private void own(Path p) throws IOException {
          PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
          view.setOwner(user);
          view.setGroup(group);
        }
      });
    } catch (IOException e) {
      throw new TestkitException("cannot hand " + root + " to OS user " + runAs + ": " + e.getMessage(), e);
    }
  }
}
