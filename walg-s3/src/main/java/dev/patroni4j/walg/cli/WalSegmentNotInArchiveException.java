package dev.patroni4j.walg.cli;

import java.util.List;

/**
 * {@code wal-fetch} exited with 74 ({@code EX_IOERR}): the segment is not in the archive. During
 * recovery this is the normal end of archived WAL, not a failure.
 */
public final class WalSegmentNotInArchiveException extends WalgCliException {
  private static final long serialVersionUID = 1L;
  private final String walName;

  public WalSegmentNotInArchiveException(String walName, List<String> arguments, String stderrTail) {
    super("WAL file '" + walName + "' is not in the archive (wal-g exit 74)", arguments, 74, stderrTail);
    this.walName = walName;
  }

  public String walName() {
    return walName;
  }
}
