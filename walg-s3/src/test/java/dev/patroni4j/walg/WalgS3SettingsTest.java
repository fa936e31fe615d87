package dev.patroni4j.walg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;

/** WAL-G's own setting names (reference/walg.md section 3), looked up bare, WALG_ then WALE_. */
class WalgS3SettingsTest {
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @Test
  void walgConfigKeysMapToTheClient() {
    WalgS3Settings s = WalgS3Settings.fromWalgConfig(Map.of(
        "WALG_S3_PREFIX", "s3://my-postgres-backups/pg-test-mac/",
        "WALG_STORAGE_PREFIX", "/shard1/",
        "AWS_ENDPOINT", "http://192.168.50.102:8002",
        "AWS_S3_FORCE_PATH_STYLE", "true",
        "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY", SECRET,
        "WALG_S3_SSE", "aws:kms",
        "S3_SSE_KMS_ID", "arn:aws:kms:eu-west-1:1:key/abc",
        "WALG_PG_WAL_SIZE", "64",
        "WALG_DOWNLOAD_CONCURRENCY", "4"));
    assertThat(s.bucket()).isEqualTo("my-postgres-backups");
    assertThat(s.rootPath()).isEqualTo("pg-test-mac/shard1");
    assertThat(s.key("wal_005/x")).isEqualTo("pg-test-mac/shard1/wal_005/x");
    assertThat(s.endpoint()).contains(URI.create("http://192.168.50.102:8002"));
    assertThat(s.region()).as("custom endpoint without region: us-east-1, as WAL-G").contains("us-east-1");
    assertThat(s.forcePathStyle()).isTrue();
    assertThat(s.serverSideEncryption()).contains("aws:kms");
    assertThat(s.sseKmsKeyId()).contains("arn:aws:kms:eu-west-1:1:key/abc");
    assertThat(s.walSegmentSize()).isEqualTo(64L * 1024 * 1024);
    assertThat(s.downloadConcurrency()).isEqualTo(4);
    assertThat(s.credentials()).isEqualTo(S3Credentials.staticKeys("AKIAEXAMPLE", SECRET));
    AwsCredentials c = AwsSdk.credentials(s.credentials()).resolveCredentials();
    assertThat(c.accessKeyId()).isEqualTo("AKIAEXAMPLE");
    assertThat(c.secretAccessKey()).isEqualTo(SECRET);
    assertThat(s.toString()).doesNotContain(SECRET).doesNotContain("AKIAEXAMPLE").contains("my-postgres-backups")
        .contains("*******MPLE");
  }

  @Test
  void configFilesInJsonAndYaml(@TempDir Path dir) throws Exception {
    // [real] ~/.walg.json from wal-g issue #1871 (reference/walg.md section 3), with placeholders for the keys
    Path json = dir.resolve("walg.json");
    Files.writeString(json, "{\"AWS_ACCESS_KEY_ID\": \"AKIAEXAMPLE\", \"AWS_SECRET_ACCESS_KEY\": \"" + SECRET + "\", \"WALG_UPLOAD_CONCURRENCY\": \"1\", "
        + "\"AWS_ENDPOINT\": \"http://192.168.50.102:8002\", \"AWS_S3_FORCE_PATH_STYLE\": \"true\", \"WALG_COMPRESSION_METHOD\": \"lz4\", "
        + "\"WALG_S3_PREFIX\": \"s3://my-postgres-backups/pg-test-mac\", \"WALG_DELTA_MAX_STEPS\": \"6\", \"WALG_USE_WAL_DELTA\": \"true\"}");
    WalgS3Settings fromJson = WalgS3Settings.fromWalgConfigFile(json);
    assertThat(fromJson.rootPath()).isEqualTo("pg-test-mac");
    assertThat(fromJson.forcePathStyle()).isTrue();
    Path yaml = dir.resolve("walg.yaml");
    Files.writeString(yaml, "WALG_S3_PREFIX: s3://b\nAWS_REGION: eu-central-1\nAWS_S3_FORCE_PATH_STYLE: true\n");
    WalgS3Settings fromYaml = WalgS3Settings.fromWalgConfigFile(yaml);
    assertThat(fromYaml.rootPath()).isEmpty();
    assertThat(fromYaml.key("wal_005/x")).isEqualTo("wal_005/x");
    assertThat(fromYaml.region()).contains("eu-central-1");
    assertThat(fromYaml.forcePathStyle()).isTrue();
  }

  @Test
  void invalidSettingsNameTheKeyNotTheSecret() {
    assertThatThrownBy(() -> WalgS3Settings.fromWalgConfig(Map.of("AWS_REGION", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WALG_S3_PREFIX");
    assertThatThrownBy(() -> WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "gs://b")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3://");
    assertThatThrownBy(() -> WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "s3://b", "AWS_S3_FORCE_PATH_STYLE", "maybe")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AWS_S3_FORCE_PATH_STYLE");
    assertThatThrownBy(() -> WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "s3://b", "AWS_SECRET_ACCESS_KEY", SECRET)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "s3://b", "S3_SSE_C", "short-" + SECRET)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("S3_SSE_C").hasMessageNotContaining(SECRET);
  }

  @Test
  void sessionKeysProfilesAndTheDefaultChainMapToTheSdksProviders() {
    String token = "IQoJb3JpZ2luX2VjEXAMPLE-session-token";
    WalgS3Settings session = WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "s3://b",
        "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_SESSION_TOKEN", token));
    assertThat(session.credentials()).isInstanceOfSatisfying(S3Credentials.StaticKeys.class,
        k -> assertThat(k.hasSessionToken()).isTrue());
    assertThat(AwsSdk.credentials(session.credentials()).resolveCredentials()).isInstanceOfSatisfying(
        AwsSessionCredentials.class, c -> assertThat(c.sessionToken()).isEqualTo(token));

    WalgS3Settings profile = WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "s3://b", "AWS_PROFILE", "backup-reader"));
    assertThat(profile.credentials()).isEqualTo(S3Credentials.profile("backup-reader"));
    assertThat(AwsSdk.credentials(profile.credentials())).isInstanceOf(ProfileCredentialsProvider.class)
        .asString().contains("backup-reader");

    WalgS3Settings none = WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "s3://b"));
    assertThat(none.credentials()).isEqualTo(S3Credentials.defaultChain());
    assertThat(AwsSdk.credentials(none.credentials())).isInstanceOf(DefaultCredentialsProvider.class);
    assertThat(none.region()).as("no endpoint, no region: the SDK looks it up").isEmpty();
  }

  @Test
  void noToStringShowsASecretOrSessionTokenOrMoreThanTheLastFourCharactersOfTheKeyId() {
    String token = "FwoGZXIvYXdzEXAMPLE-session-token";
    S3Credentials.StaticKeys keys = S3Credentials.sessionKeys("ASIAIOSFODNN7EXAMPLE", SECRET, token);
    WalgS3Settings settings = WalgS3Settings.builder("s3://b/p").credentials(keys).build();
    for (String text : new String[] {keys.toString(), settings.toString(), settings.toBuilder().build().toString()}) {
      assertThat(text).doesNotContain(SECRET).doesNotContain(token).doesNotContain("ASIAIOSFODNN7")
          .contains("MPLE");
    }
    assertThat(keys.toString()).isEqualTo("StaticKeys[accessKeyId=****************MPLE, secretAccessKey=***, sessionToken=***]");
    assertThat(S3Credentials.staticKeys("AKIA", SECRET).toString()).doesNotContain("AKIA").doesNotContain(SECRET);
    assertThatThrownBy(() -> S3Credentials.staticKeys("AKIAEXAMPLE", " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secretAccessKey");
    assertThatThrownBy(() -> S3Credentials.sessionKeys("AKIAEXAMPLE", SECRET, "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aRegionIsANameAndAnythingElseIsRefusedNamingTheKey() {
    assertThat(WalgS3Settings.builder("s3://b").region("garage").build().region()).contains("garage");
    assertThat(WalgS3Settings.builder("s3://b").region("eu-central-1").endpoint(URI.create("http://127.0.0.1:9000"))
        .build().region()).contains("eu-central-1");
    for (String bad : new String[] {"", "eu central 1", "eu-central-1.amazonaws.com", "-x", "a/b", "x".repeat(65)}) {
      assertThatThrownBy(() -> WalgS3Settings.builder("s3://b").region(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region");
    }
    assertThatThrownBy(() -> WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "s3://b", "AWS_REGION", "eu central 1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AWS_REGION").hasMessageContaining("eu central 1");
  }
}
