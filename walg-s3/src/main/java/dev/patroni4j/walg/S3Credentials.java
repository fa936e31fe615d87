package dev.patroni4j.walg;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link WalgRepository} signs its S3 requests: the same choices as WAL-G's configuration, in the library's own
 * types (the AWS SDK is an implementation detail of this module).
 *
 * <ul>
 *   <li>{@link #staticKeys(String, String)}: {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, with
 *       {@link #sessionKeys(String, String, String)} for temporary keys with {@code AWS_SESSION_TOKEN};
 *   <li>{@link #profile(String)}: a profile of the shared credentials and config files ({@code AWS_PROFILE});
 *   <li>{@link #defaultChain()}: the AWS SDK's default chain (system properties, environment, web identity token
 *       file when {@code software.amazon.awssdk:sts} is on the classpath, profile files, container and instance
 *       metadata), looked up when a request is signed.
 * </ul>
 *
 * <pre>{@code
 * // given: String secretFromVault;
 * S3Credentials keys = S3Credentials.staticKeys("AKIAIOSFODNN7EXAMPLE", secretFromVault);
 * WalgS3Settings settings = WalgS3Settings.builder("s3://backups/prod/pg1")
 *     .region("eu-central-1")
 *     .credentials(keys)
 *     .build();
 * System.out.println(keys);   // StaticKeys[accessKeyId=****************MPLE, secretAccessKey=***]
 * }</pre>
 *
 * <p>Every variant is immutable and thread-safe. No {@code toString()} shows a secret access key or session token
 * (nor more than the last four characters of an access key id, as {@code aws configure list} does).
 */
public sealed interface S3Credentials permits S3Credentials.StaticKeys, S3Credentials.Profile, S3Credentials.DefaultChain {

  /** Long-term keys: an access key id and its secret. */
  static StaticKeys staticKeys(String accessKeyId, String secretAccessKey) {
    return new StaticKeys(accessKeyId, secretAccessKey, null);
  }

  /** Temporary keys: an access key id, its secret and the session token issued with them. */
  static StaticKeys sessionKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
    return new StaticKeys(accessKeyId, secretAccessKey, Objects.requireNonNull(sessionToken, "sessionToken == null"));
  }

  /** The named profile of {@code ~/.aws/credentials} and {@code ~/.aws/config}. */
  static Profile profile(String name) {
    return new Profile(name);
  }

  /** The AWS SDK's default credentials chain, as WAL-G uses when no keys are configured. */
  static DefaultChain defaultChain() {
    return DefaultChain.INSTANCE;
  }

  /**
   * Keys given outright. The secret and session token are reachable only by this module (to sign requests), never
   * through a public accessor, {@code toString()} or an exception message.
   */
  final class StaticKeys implements S3Credentials {
    private final String accessKeyId;
    private final String secretAccessKey;
    private final @Nullable String sessionToken;

    private StaticKeys(String accessKeyId, String secretAccessKey, @Nullable String sessionToken) {
      Objects.requireNonNull(accessKeyId, "accessKeyId == null");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey == null");
      if (accessKeyId.isBlank()) {
        throw new IllegalArgumentException("accessKeyId is blank");
      }
      if (secretAccessKey.isBlank()) {
        throw new IllegalArgumentException("secretAccessKey is blank");
      }
      if (sessionToken != null && sessionToken.isBlank()) {
        throw new IllegalArgumentException("sessionToken is blank");
      }
      this.accessKeyId = accessKeyId;
      this.secretAccessKey = secretAccessKey;
      this.sessionToken = sessionToken;
    }

    /** The access key id ({@code AKIA...} for long-term keys, {@code ASIA...} for temporary ones). */
    public String accessKeyId() {
      return accessKeyId;
    }

    /** Whether these are temporary keys with a session token. */
    public boolean hasSessionToken() {
      return sessionToken != null;
    }

    String secretAccessKey() {
      return secretAccessKey;
    }

    @Nullable String sessionToken() {
      return sessionToken;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof StaticKeys k && k.accessKeyId.equals(accessKeyId) && k.secretAccessKey.equals(secretAccessKey)
          && Objects.equals(k.sessionToken, sessionToken);
    }

    @Override
    public int hashCode() {
      return accessKeyId.hashCode();
    }

    @Override
    public String toString() {
      int shown = Math.min(4, accessKeyId.length() / 2);
      String masked = "*".repeat(accessKeyId.length() - shown) + accessKeyId.substring(accessKeyId.length() - shown);
      return "StaticKeys[accessKeyId=" + masked + ", secretAccessKey=***" + (sessionToken != null ? ", sessionToken=***" : "")
          + "]";
    }
  }

  /**
   * A profile of the shared AWS files, read when a request is signed.
   *
   * @param name the profile's name, e.g. {@code backup-reader}
   */
  record Profile(String name) implements S3Credentials {
    /** Validates the name. */
    public Profile {
      Objects.requireNonNull(name, "name == null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("profile name is blank");
      }
    }
  }

  /** The AWS SDK's default credentials chain. */
  enum DefaultChain implements S3Credentials {
    /** The only value. */
    INSTANCE;

    @Override
    public String toString() {
      return "DefaultChain";
    }
  }
}
