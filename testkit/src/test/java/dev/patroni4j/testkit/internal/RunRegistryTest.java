package dev.patroni4j.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reaper of one JVM never takes a directory another JVM, or this one, is still creating. */
class RunRegistryTest {
  private final List<Path> created = new ArrayList<>();

  @AfterEach
  void deleteWhatTheTestMade() {
    created.forEach(RunRegistry::deleteTree);
  }

  @Test
  void aDirectoryIsNeverSeenWithoutItsOwnerWhileReapersRun() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread reaper = new Thread(() -> {
      while (!stop.get()) {
        RunRegistry.reapOrphans();
      }
    });
    reaper.start();
    try {
      for (int i = 0; i < 300; i++) {
        Path dir = RunRegistry.newClusterDirectory("race-" + ProcessHandle.current().pid() + "-" + i);
        created.add(dir);
        assertThat(dir.resolve("owner")).as("directory %d survived the concurrent reaper", i).isRegularFile();
      }
    } finally {
      stop.set(true);
      reaper.join();
    }
    assertThat(created).allSatisfy(dir -> assertThat(dir).isDirectory());
  }

  @Test
  void stagingDirectoriesOfLiveJvmsAreLeftAloneAndThoseOfDeadOnesReaped() throws Exception {
    Files.createDirectories(RunRegistry.ROOT);
    Path live = Files.createDirectory(RunRegistry.ROOT.resolve(".staging-" + ProcessHandle.current().pid() + "-live"));
    Path dead = Files.createDirectory(RunRegistry.ROOT.resolve(".staging-" + deadPid() + "-dead"));
    Path ownerless = Files.createDirectory(RunRegistry.ROOT.resolve("ownerless-" + ProcessHandle.current().pid()));
    created.addAll(List.of(live, dead, ownerless));

    RunRegistry.reapOrphans();

    assertThat(live).isDirectory();
    assertThat(dead).doesNotExist();
    assertThat(ownerless).doesNotExist();
  }

  /** The PID of a process that has exited (and, in the instant after, is not reused). */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
