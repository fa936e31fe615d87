package dev.patroni4j.runbooks.backup;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Whether the WAL archive is continuous from the oldest backup to the newest archived segment: the range archived,
 * each gap (segments missing between two archived ones on a timeline), and whether the tool's own live check (a WAL
 * switch archived through {@code archive_command}) passed.
 *
 * <pre>{@code
 * // given: BackupTool tool;
 * ArchiveCheck archive = tool.checkArchive("pg1");
 * if (!archive.continuous()) {
 *   archive.gaps().forEach(g -> System.err.println("missing " + g.first() + " to " + g.last()));
 * }
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param first the oldest archived segment the backups need, null if nothing is archived
 * @param last the newest archived segment, null if nothing is archived
 * @param segments how many segments lie in that range in the archive
 * @param gaps the missing ranges, oldest first
 * @param liveCheck whether the tool's live check passed (false with {@code liveCheckDetail} saying why)
 * @param liveCheckDetail what the live check reported when it failed, empty when it passed
 */
public record ArchiveCheck(@Nullable String first, @Nullable String last, long segments, List<Gap> gaps,
    boolean liveCheck, String liveCheckDetail) {
  public ArchiveCheck {
    gaps = List.copyOf(gaps);
    Objects.requireNonNull(liveCheckDetail, "liveCheckDetail == null");
  }

  /** No gap and the live check passed. */
  public boolean continuous() {
    return gaps.isEmpty() && liveCheck && last != null;
  }

  public Optional<String> findFirst() {
    return Optional.ofNullable(first);
  }

  public Optional<String> findLast() {
    return Optional.ofNullable(last);
  }

  /**
   * Segments missing from the archive, {@code first} to {@code last} inclusive (WAL file names).
   *
   * @param first the first missing segment
   * @param last the last missing segment
   */
  public record Gap(String first, String last) {
    public Gap {
      Objects.requireNonNull(first, "first == null");
      Objects.requireNonNull(last, "last == null");
    }
  }
}
