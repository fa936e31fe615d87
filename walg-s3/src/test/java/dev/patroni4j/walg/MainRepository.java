package dev.patroni4j.walg;

import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The repository most tests read, written once per test JVM in WAL-G's layout. Three timelines:
 *
 * <pre>
 * TLI 1: WAL 01..07 (.lz4), 08.partial;      B1 full at 02 (PERMANENT), D1 delta at 05 from B1
 * TLI 2 (from 1 at 0/80000A0): WAL 08..14, 16..20 (15 is MISSING)
 *        B2 full at 0A; D2 delta at 10 from B2 (stop LSN in segment 15);
 *        D3 delta at 18 from D2 (chain B2 <- D2 <- D3); incomplete backup folder at 12; B3 full at 1C
 * TLI 3 (from 2 at 0/21000000): WAL 21..24 (.zst, 21 also as .lz4), 25 (no compression); B4 full at 22
 * </pre>
 *
 * History files are LZ4 frames produced by the real {@code lz4} CLI (1.9.4) from PostgreSQL's
 * history format; the TLI 3 one contains real LZ4 match sequences.
 */
public final class MainRepository {
  public static final String BUCKET = "walg-main";
  public static final String ROOT = "cluster-a/pg";
  static final long SEG = WalgLayout.SEG;
  /** lz4 of "1\t0/80000A0\tno recovery target specified\n" (a stored block). */
  static final byte[] HISTORY_2 = Base64.getDecoder().decode(
      "BCJNGGRApykAAIAxCTAvODAwMDBBMAlubyByZWNvdmVyeSB0YXJnZXQgc3BlY2lmaWVkCgAAAAAfXbyW");
  /** lz4 of "1\t0/80000A0\tno recovery...\n\n2\t0/21000000\tno recovery target specified\n" (compressed). */
  static final byte[] HISTORY_3 = Base64.getDecoder().decode(
      "BCJNGGRApz8AAADwITEJMC84MDAwMEEwCW5vIHJlY292ZXJ5IHRhcmdldCBzcGVjaWZpZWQKCjIJMC8yMSsAHzArAAdQZmllZAoAAAAApHObbA==");

  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");
  public static final WalgLayout.Spec B1 = WalgLayout.Spec.full(1, 0x2000028L, 0x2000100L, T0).asPermanent();
  public static final WalgLayout.Spec D1 = WalgLayout.Spec.full(1, 0x5000028L, 0x5000100L, T0.plusSeconds(3600)).deltaOf(B1, 1, B1.name());
  public static final WalgLayout.Spec B2 = WalgLayout.Spec.full(2, 0xA000028L, 0xA000100L, T0.plusSeconds(7200));
  public static final WalgLayout.Spec D2 = WalgLayout.Spec.full(2, 0x10000028L, 0x15000100L, T0.plusSeconds(10800)).deltaOf(B2, 1, B2.name());
  public static final String INCOMPLETE = "base_000000020000000000000012";
  public static final WalgLayout.Spec D3 = WalgLayout.Spec.full(2, 0x18000028L, 0x18000100L, T0.plusSeconds(14400)).deltaOf(D2, 2, B2.name());
  public static final WalgLayout.Spec B3 = WalgLayout.Spec.full(2, 0x1C000028L, 0x1C000100L, T0.plusSeconds(18000));
  public static final WalgLayout.Spec B4 = WalgLayout.Spec.full(3, 0x22000028L, 0x22000100L, T0.plusSeconds(21600));

  private static @Nullable MainRepository instance;
  final WalgLayout layout;
  public final WalgRepository repository;

  private MainRepository(WalgLayout layout, WalgRepository repository) {
    this.layout = layout;
    this.repository = repository;
  }

  public static synchronized MainRepository get() {
    if (instance == null) {
      S3ProxyServer server = S3ProxyServer.shared();
      WalgLayout layout = write(new WalgLayout(server.client(), BUCKET, ROOT));
      instance = new MainRepository(layout, WalgRepository.builder(server.settings(BUCKET, ROOT)).build());
    }
    return instance;
  }

  /** Writes the repository in push order (so sentinel LastModified follows name order here). */
  static WalgLayout write(WalgLayout l) {
    l.wal(1, 1, 7, "lz4");
    l.backupHistoryFile(1, 2);
    l.backup(B1);
    l.backupHistoryFile(1, 5);
    l.backup(D1);
    l.partial(1, 8);
    l.history(2, HISTORY_2);
    l.wal(2, 8, 0x14, "lz4");
    l.wal(2, 0x16, 0x20, "lz4");
    l.backupHistoryFile(2, 0xA);
    l.backup(B2);
    l.backupHistoryFile(2, 0x10);
    l.backup(D2);
    l.incomplete(INCOMPLETE);
    l.backupHistoryFile(2, 0x18);
    l.backup(D3);
    l.backupHistoryFile(2, 0x1C);
    l.backup(B3);
    l.history(3, HISTORY_3);
    l.wal(3, 0x21, 0x24, "zst");
    l.wal(3, 0x21, 0x21, "lz4");
    l.wal(3, 0x25, 0x25, "");
    l.backupHistoryFile(3, 0x22);
    l.backup(B4);
    return l;
  }
}
