package dev.patroni4j.runbooks.walg.internal;

import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.backup.ArchiveCheck;
import dev.patroni4j.runbooks.backup.BackupInfo;
import dev.patroni4j.runbooks.backup.BackupType;
import dev.patroni4j.runbooks.backup.RecoveryTarget;
import dev.patroni4j.runbooks.backup.RestoreRequest;
import dev.patroni4j.walg.BackupMetadata;
import dev.patroni4j.walg.SegmentSequence;
import dev.patroni4j.walg.WalIntegrityReport;
import dev.patroni4j.walg.cli.BackupListEntry;
import dev.patroni4j.walg.cli.WalVerifyResult;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What WAL-G lists and verifies, as the runbooks' backup values; and a restore request as recovery settings. */
public final class WalgConversions {
  private static final long SEGMENT_BYTES = 16L * 1024 * 1024;
  private static final long SEGMENTS_PER_ID = 0x100;
  private static final DateTimeFormatter PG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx", Locale.ROOT).withZone(ZoneOffset.UTC);

  private WalgConversions() {}

  /**
   * The entries of {@code backup-list --detail --json}, oldest first; a delta's prior is the listed backup whose
   * start segment its {@code _D_} suffix names (WAL-G names the immediate parent's start segment there).
   *
   * @return empty when an entry lacks its {@code --detail} fields (the caller says which)
   */
  public static Optional<List<BackupInfo>> backups(List<BackupListEntry> entries) {
    List<BackupListEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(WalgConversions::startTime));
    Map<String, String> nameByStartSegment = new LinkedHashMap<>();
    for (BackupListEntry e : sorted) {
      nameByStartSegment.put(e.backupName().substring(5, Math.min(29, e.backupName().length())), e.backupName());
    }
    List<BackupInfo> out = new ArrayList<>();
    for (BackupListEntry e : sorted) {
      BackupMetadata d = e.detail();
      if (d == null || d.startTime() == null || d.finishTime() == null) {
        return Optional.empty();
      }
      String name = e.backupName();
      String startWal = name.substring(5, 29);
      long timeline = Long.parseLong(startWal.substring(0, 8), 16);
      String prior = null;
      int delta = name.indexOf("_D_");
      if (delta >= 0) {
        String parentSegment = name.substring(delta + 3, Math.min(delta + 27, name.length()));
        prior = nameByStartSegment.getOrDefault(parentSegment, "base_" + parentSegment);
      }
      out.add(new BackupInfo(name, delta >= 0 ? BackupType.INCREMENTAL : BackupType.FULL, d.startTime(),
          d.finishTime(), d.startLsn(), d.finishLsn(), startWal, segmentOf(timeline, d.finishLsn()),
          Timeline.of(timeline), d.uncompressedSize(), d.compressedSize(), prior, true, false));
    }
    return Optional.of(out);
  }

  private static Instant startTime(BackupListEntry e) {
    BackupMetadata d = e.detail();
    if (d != null && d.startTime() != null) {
      return d.startTime();
    }
    return e.time() != null ? e.time() : Instant.EPOCH;
  }

  /** The WAL file name holding {@code lsn} on {@code timeline}, for 16 MiB segments. */
  static String segmentOf(long timeline, Lsn lsn) {
    long segment = Long.divideUnsigned(lsn.value(), SEGMENT_BYTES);
    return String.format(Locale.ROOT, "%08X%08X%08X", timeline, segment / SEGMENTS_PER_ID,
        segment % SEGMENTS_PER_ID);
  }

  /** {@code wal-verify integrity} as an archive check: every MISSING_LOST sequence is a gap. */
  public static ArchiveCheck archiveCheck(WalVerifyResult result) {
    Optional<WalVerifyResult.Integrity> integrity = result.findIntegrity();
    if (integrity.isEmpty()) {
      return new ArchiveCheck(null, null, 0, List.of(), false, "wal-verify printed no integrity check");
    }
    List<SegmentSequence> details = integrity.get().details();
    List<ArchiveCheck.Gap> gaps = new ArrayList<>();
    String first = null;
    String last = null;
    long found = 0;
    for (SegmentSequence s : details) {
      if (s.status() == SegmentSequence.Status.MISSING_LOST) {
        gaps.add(new ArchiveCheck.Gap(s.startSegment(), s.endSegment()));
      }
      if (s.status() == SegmentSequence.Status.FOUND) {
        found += s.segmentsCount();
        if (first == null || s.startSegment().compareTo(first) < 0) {
          first = s.startSegment();
        }
        if (last == null || s.endSegment().compareTo(last) > 0) {
          last = s.endSegment();
        }
      }
    }
    WalIntegrityReport.Status status = integrity.get().status();
    boolean passed = status != WalIntegrityReport.Status.FAILURE;
    return new ArchiveCheck(first, last, found, gaps, passed,
        passed ? "" : "wal-verify integrity: " + status);
  }

  /**
   * The recovery settings PostgreSQL 12+ reads for {@code request} ({@code recovery_target*}, {@code
   * recovery_target_action}, {@code recovery_target_timeline}), with {@code restoreCommand}.
   */
  public static Map<String, Object> recoverySettings(RestoreRequest request, String restoreCommand) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("restore_command", restoreCommand);
    RecoveryTarget target = request.target();
    @Nullable Boolean inclusive = null;
    if (target instanceof RecoveryTarget.Immediate) {
      s.put("recovery_target", "immediate");
    } else if (target instanceof RecoveryTarget.Time t) {
      s.put("recovery_target_time", PG_TIME.format(t.time()));
      inclusive = t.inclusive();
    } else if (target instanceof RecoveryTarget.Xid x) {
      s.put("recovery_target_xid", Long.toString(x.xid()));
      inclusive = x.inclusive();
    } else if (target instanceof RecoveryTarget.AtLsn l) {
      s.put("recovery_target_lsn", l.lsn().toString());
      inclusive = l.inclusive();
    }
    if (inclusive != null) {
      s.put("recovery_target_inclusive", inclusive.toString());
    }
    if (!(target instanceof RecoveryTarget.Latest)) {
      s.put("recovery_target_action", request.promote() ? "promote" : "pause");
    }
    s.put("recovery_target_timeline", request.findTimeline().map(t -> Long.toString(t.id())).orElse("latest"));
    return s;
  }
}
