package dev.patroni4j.walg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.walg.RetentionPolicy.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Retention plans on {@link MainRepository}. The expected key sets follow WAL-G's delete rules
 * (internal/delete_handler.go, internal/databases/postgres/delete.go and delete_util.go;
 * reference/walg.md section 5): the target is chosen newest-first by (timeline, segment); every
 * object of the whole root whose first 24 hex digits sort before the target's is deleted, unless it
 * belongs to a permanent backup or lies in a permanent backup's WAL range
 * (start_lsn-1)/16MiB..(finish_lsn-1)/16MiB; keys without 24 hex digits (.history) are never deleted.
 */
class RetentionPlanTest {
  static MainRepository main;
  static WalgLayout l;

  @BeforeAll
  static void setUp() {
    main = MainRepository.get();
    l = main.layout;
  }

  /** Everything that sorts before {@code hex24} and is not B1's (permanent: its backup and WAL segment 1/02). */
  static List<String> olderThan(String hex24) {
    List<String> keys = new ArrayList<>();
    Predicate<String> inPermanentWal = k -> k.startsWith("wal_005/000000010000000000000002");
    for (String k : l.keys(k -> {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("[0-9A-F]{24}").matcher(k);
      return m.find() && m.group().compareTo(hex24) < 0;
    })) {
      keys.add(k);
    }
    keys.removeAll(l.keysOf(MainRepository.B1.name()));
    keys.removeIf(k -> inPermanentWal.test(k.substring(MainRepository.ROOT.length() + 1)));
    return keys;
  }

  @Test
  void retainFullTwoDeletesEverythingBeforeTheSecondNewestFull() {
    DeletionPlan plan = main.repository.planRetention(RetentionPolicy.retain(Modifier.FULL, 2));
    assertThat(plan.targetBackup()).isEqualTo(MainRepository.B3.name());
    List<String> expected = new ArrayList<>();
    expected.addAll(l.keysOf(MainRepository.D1.name()));
    expected.addAll(l.keysOf(MainRepository.B2.name()));
    expected.addAll(l.keysOf(MainRepository.D2.name()));
    expected.addAll(l.keysOf(MainRepository.D3.name()));
    expected.addAll(l.keysOf(MainRepository.INCOMPLETE)); // 2/12 < 2/1C: WAL-G deletes leftovers too
    expected.addAll(l.keys(k -> k.startsWith("wal_005/00000001") && !k.startsWith("wal_005/000000010000000000000002")));
    expected.addAll(l.keys(k -> k.startsWith("wal_005/00000002") && k.length() > 32
        && k.substring(8, 32).compareTo("00000002000000000000001C") < 0));
    assertThat(plan.keys()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(plan.keys()).containsExactlyInAnyOrderElementsOf(olderThan("00000002000000000000001C"));
    assertThat(plan.keys()).as("B1 is permanent: its objects and WAL 1/02 (incl. its .backup file) stay")
        .noneMatch(k -> k.contains(MainRepository.B1.name()) || k.contains("wal_005/000000010000000000000002"));
    assertThat(plan.keys()).noneMatch(k -> k.contains(".history"));
    assertThat(plan.keptPermanentBackups()).containsExactly(MainRepository.B1.name());
  }

  @Test
  void retainAfterKeepsTheUnionOfBothWindows() {
    DeletionPlan plain = main.repository.planRetention(RetentionPolicy.retain(Modifier.FULL, 2));
    DeletionPlan after = main.repository.planRetention(RetentionPolicy.retain(Modifier.FULL, 1).after(MainRepository.B3.name()));
    assertThat(after.targetBackup()).isEqualTo(MainRepository.B3.name());
    assertThat(after.keys()).isEqualTo(plain.keys());
  }

  @Test
  void retainFindFullWalksBackToAFullBackup() {
    DeletionPlan plan = main.repository.planRetention(RetentionPolicy.retain(Modifier.FIND_FULL, 3));
    assertThat(plan.targetBackup()).isEqualTo(MainRepository.B2.name());
    assertThat(plan.keys()).containsExactlyInAnyOrderElementsOf(olderThan("00000002000000000000000A"));
    assertThat(plan.keys()).doesNotContainAnyElementsOf(l.keysOf(MainRepository.INCOMPLETE));
  }

  @Test
  void beforeFindFullOfADeltaTargetsItsFullBackup() {
    DeletionPlan plan = main.repository.planRetention(RetentionPolicy.before(Modifier.FIND_FULL, MainRepository.D3.name()));
    assertThat(plan.targetBackup()).isEqualTo(MainRepository.B2.name());
    assertThat(plan.keys()).containsExactlyInAnyOrderElementsOf(olderThan("00000002000000000000000A"));
  }

  @Test
  void aDeltaTargetWithoutFindFullIsRefusedAsWalgDoes() {
    assertThatThrownBy(() -> main.repository.planRetention(RetentionPolicy.retain(Modifier.NONE, 3)))
        .isInstanceOf(RetentionException.class).hasMessageContaining(MainRepository.D3.name()).hasMessageContaining("FIND_FULL");
    assertThatThrownBy(() -> main.repository.planRetention(RetentionPolicy.before(Modifier.NONE, MainRepository.D2.name())))
        .isInstanceOf(RetentionException.class).hasMessageContaining("incremental");
  }

  @Test
  void retainingMoreThanExistIsAnEmptyPlan() {
    DeletionPlan plan = main.repository.planRetention(RetentionPolicy.retain(Modifier.FULL, 10));
    assertThat(plan.targetBackup()).isNull();
    assertThat(plan.keys()).isEmpty();
  }

  @Test
  void targetDeletesTheBackupAndItsDependantsButNoWal() {
    DeletionPlan plan = main.repository.planRetention(RetentionPolicy.target(Modifier.NONE, MainRepository.D2.name()));
    List<String> expected = new ArrayList<>(l.keysOf(MainRepository.D2.name()));
    expected.addAll(l.keysOf(MainRepository.D3.name()));
    assertThat(plan.keys()).containsExactlyInAnyOrderElementsOf(expected);

    DeletionPlan chain = main.repository.planRetention(RetentionPolicy.target(Modifier.FIND_FULL, MainRepository.D2.name()));
    expected.addAll(l.keysOf(MainRepository.B2.name()));
    assertThat(chain.keys()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void targetReachingAPermanentBackupIsRefused() {
    assertThatThrownBy(() -> main.repository.planRetention(RetentionPolicy.target(Modifier.NONE, MainRepository.B1.name())))
        .isInstanceOf(RetentionException.class).hasMessageContaining("permanent");
    assertThatThrownBy(() -> main.repository.planRetention(RetentionPolicy.target(Modifier.NONE, "base_0000000900000000000000AA")))
        .isInstanceOf(RetentionException.class).hasMessageContaining("not found");
  }

  @Test
  void deleteWithoutTheConfirmationDeletesNothingAndWithItDeletesExactlyThePlan() {
    S3ProxyServer server = S3ProxyServer.shared();
    S3Client s3 = server.client();
    WalgLayout copy = MainRepository.write(new WalgLayout(s3, "walg-delete", "pg"));
    try (WalgRepository repo = WalgRepository.builder(server.settings("walg-delete", "pg")).build()) {
      List<String> before = listAll(s3, "walg-delete");
      DeletionPlan plan = repo.planRetention(RetentionPolicy.retain(Modifier.FULL, 2));
      assertThat(plan.keys()).isNotEmpty();

      assertThatThrownBy(() -> repo.delete(plan, Confirmation.of("yes"))).isInstanceOf(ConfirmationRefusedException.class);
      DeletionPlan other = repo.planRetention(RetentionPolicy.retain(Modifier.FIND_FULL, 3));
      assertThatThrownBy(() -> repo.delete(plan, Confirmation.of(other)))
          .isInstanceOfSatisfying(ConfirmationRefusedException.class, e -> {
            assertThat(e.action()).isEqualTo("delete");
            assertThat(e.subject()).isEqualTo(plan.confirmationSubject());
            assertThat(e).hasMessageContaining("nothing was changed");
          });
      assertThat(listAll(s3, "walg-delete")).isEqualTo(before);

      DeletionResult result = repo.delete(plan, Confirmation.of(plan.confirmationToken()));
      assertThat(result.isComplete()).isTrue();
      assertThat(result.deleted()).containsExactlyInAnyOrderElementsOf(plan.keys());
      List<String> expectedLeft = new ArrayList<>(before);
      expectedLeft.removeAll(plan.keys());
      assertThat(listAll(s3, "walg-delete")).containsExactlyInAnyOrderElementsOf(expectedLeft);
      BackupCatalog after = repo.catalog();
      assertThat(after.backups()).extracting(Backup::name)
          .containsExactly(MainRepository.B1.name(), MainRepository.B3.name(), MainRepository.B4.name());
      assertThat(after.incomplete()).isEmpty();
      assertThat(repo.planRetention(RetentionPolicy.retain(Modifier.FULL, 2)).keys()).as("idempotent").isEmpty();
      assertThat(copy.allKeys()).hasSameSizeAs(before);
    }
  }

  private static List<String> listAll(S3Client s3, String bucket) {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
  }
}
