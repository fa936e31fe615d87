package dev.patroni4j.walg.cli;

import java.util.List;

/**
 * What {@code wal-g delete ...} logged ({@link WalgCli#delete(DeleteDryRun,
 * dev.patroni4j.client.Confirmation)} returns it; {@link WalgCli#deleteDryRun} reads the same log).
 *
 * @param keys keys marked for deletion, relative to the WAL-G root, as logged
 * @param dryRun true without {@code --confirm} (nothing deleted)
 * @param nothingToDelete WAL-G found no backup/objects to delete
 */
public record DeleteOutput(List<String> keys, boolean dryRun, boolean nothingToDelete) {
  public DeleteOutput {
    keys = List.copyOf(keys);
  }
}
