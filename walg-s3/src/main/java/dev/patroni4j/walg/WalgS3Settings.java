package dev.patroni4j.walg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.model.Lsn;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Where and how to reach a WAL-G repository on S3, with the same knobs as WAL-G's own settings, all in the
 * library's own types: the bucket and root path, an endpoint {@link URI}, the region as its name, {@link
 * S3Credentials}. Immutable and thread-safe; {@link #toString()} never shows credentials or the SSE-C key.
 *
 * <pre>{@code
 * // given: String id; String secret;
 * WalgS3Settings s = WalgS3Settings.builder("s3://backups/prod/pg1")
 *     .endpoint(URI.create("http://127.0.0.1:9000")).forcePathStyle(true)
 *     .region("us-east-1")
 *     .credentials(S3Credentials.staticKeys(id, secret))
 *     .build();
 * // or exactly what wal-g reads:
 * WalgS3Settings same = WalgS3Settings.fromWalgConfig(Map.of("WALG_S3_PREFIX", "s3://backups/prod/pg1",
 *     "AWS_ENDPOINT", "http://127.0.0.1:9000", "AWS_S3_FORCE_PATH_STYLE", "true"));
 * }</pre>
 */
public final class WalgS3Settings {
  /** How the S3 client computes request checksums (AWS SDK 2.30+ changed the default). */
  public enum ChecksumMode {
    /** SDK default since 2.30: CRC32 on every upload. Right for AWS. */
    WHEN_SUPPORTED,
    /** Only where the API requires one. Right for MinIO, Ceph and older S3 compatibles. */
    WHEN_REQUIRED
  }

  private final String bucket;
  private final String rootPath;
  private final @Nullable URI endpoint;
  /** What an S3 region name may look like: AWS's ({@code eu-central-1}) and S3 compatibles' ({@code garage}). */
  private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final String DEFAULT_ENDPOINT_REGION = "us-east-1";

  private final @Nullable String region;
  private final boolean forcePathStyle;
  private final S3Credentials credentials;
  private final @Nullable String serverSideEncryption;
  private final @Nullable String sseKmsKeyId;
  private final byte @Nullable [] sseCustomerKey;
  private final long walSegmentSize;
  private final int downloadConcurrency;
  private final int deleteBatchSize;
  private final ChecksumMode checksumMode;

  private WalgS3Settings(Builder b) {
    this.bucket = b.bucket;
    this.rootPath = b.rootPath;
    this.endpoint = b.endpoint;
    this.region = b.region;
    this.forcePathStyle = b.forcePathStyle;
    this.credentials = b.credentials;
    this.serverSideEncryption = b.serverSideEncryption;
    this.sseKmsKeyId = b.sseKmsKeyId;
    this.sseCustomerKey = b.sseCustomerKey == null ? null : b.sseCustomerKey.clone();
    this.walSegmentSize = b.walSegmentSize;
    this.downloadConcurrency = b.downloadConcurrency;
    this.deleteBatchSize = b.deleteBatchSize;
    this.checksumMode = b.checksumMode;
  }

  /** A builder for {@code s3://bucket/path} ({@code WALG_S3_PREFIX}). */
  public static Builder builder(String s3Prefix) {
    return new Builder(s3Prefix);
  }

  /** A builder preset with these settings. */
  public Builder toBuilder() {
    Builder b = new Builder("s3://" + bucket + "/" + rootPath);
    b.endpoint = endpoint;
    b.region = region;
    b.forcePathStyle = forcePathStyle;
    b.credentials = credentials;
    b.serverSideEncryption = serverSideEncryption;
    b.sseKmsKeyId = sseKmsKeyId;
    b.sseCustomerKey = sseCustomerKey;
    b.walSegmentSize = walSegmentSize;
    b.downloadConcurrency = downloadConcurrency;
    b.deleteBatchSize = deleteBatchSize;
    b.checksumMode = checksumMode;
    return b;
  }

  /**
   * Settings from WAL-G's configuration keys (environment names; the same keys as a {@code
   * --config} file). S3 keys are looked up as WAL-G does: bare, then {@code WALG_}, then {@code
   * WALE_}. Understood: {@code WALG_S3_PREFIX}/{@code WALE_S3_PREFIX}, {@code WALG_STORAGE_PREFIX},
   * {@code AWS_ENDPOINT}, {@code AWS_REGION}, {@code AWS_S3_FORCE_PATH_STYLE}, {@code
   * AWS_ACCESS_KEY_ID}/{@code AWS_ACCESS_KEY}, {@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SECRET_KEY},
   * {@code AWS_SESSION_TOKEN}, {@code AWS_PROFILE}, {@code S3_SSE}, {@code S3_SSE_KMS_ID}, {@code
   * S3_SSE_C}, {@code WALG_PG_WAL_SIZE}, {@code WALG_DOWNLOAD_CONCURRENCY}, {@code
   * S3_DELETE_BATCH_SIZE}. Without explicit keys the SDK's default credentials chain is used.
   * Invalid values throw {@link IllegalArgumentException} naming the key (never the value of a
   * secret).
   */
  public static WalgS3Settings fromWalgConfig(Map<String, String> config) {
    String prefix = first(config, "WALG_S3_PREFIX", "WALE_S3_PREFIX")
        .orElseThrow(() -> new IllegalArgumentException("WALG_S3_PREFIX is not set"));
    Builder b = builder(prefix);
    first(config, "WALG_STORAGE_PREFIX").ifPresent(b::appendPath);
    s3(config, "AWS_ENDPOINT").ifPresent(e -> b.endpoint(URI.create(e)));
    s3(config, "AWS_REGION").ifPresent(r -> b.region(checkedRegion("AWS_REGION", r)));
    s3(config, "AWS_S3_FORCE_PATH_STYLE").ifPresent(v -> b.forcePathStyle(bool("AWS_S3_FORCE_PATH_STYLE", v)));
    Optional<String> keyId = s3(config, "AWS_ACCESS_KEY_ID").or(() -> s3(config, "AWS_ACCESS_KEY"));
    Optional<String> secret = s3(config, "AWS_SECRET_ACCESS_KEY").or(() -> s3(config, "AWS_SECRET_KEY"));
    if (keyId.isPresent() != secret.isPresent()) {
      throw new IllegalArgumentException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
    }
    if (keyId.isPresent()) {
      Optional<String> token = s3(config, "AWS_SESSION_TOKEN");
      b.credentials(token.isPresent()
          ? S3Credentials.sessionKeys(keyId.get(), secret.orElseThrow(), token.get())
          : S3Credentials.staticKeys(keyId.get(), secret.orElseThrow()));
    } else {
      s3(config, "AWS_PROFILE").ifPresent(p -> b.credentials(S3Credentials.profile(p)));
    }
    s3(config, "S3_SSE").ifPresent(b::serverSideEncryption);
    s3(config, "S3_SSE_KMS_ID").ifPresent(b::sseKmsKeyId);
    s3(config, "S3_SSE_C").ifPresent(k -> b.sseCustomerKey(sseCustomerKey(k)));
    first(config, "WALG_PG_WAL_SIZE").ifPresent(v -> b.walSegmentSize(integer("WALG_PG_WAL_SIZE", v) * 1024L * 1024));
    first(config, "WALG_DOWNLOAD_CONCURRENCY").ifPresent(v -> b.downloadConcurrency(integer("WALG_DOWNLOAD_CONCURRENCY", v)));
    s3(config, "S3_DELETE_BATCH_SIZE").ifPresent(v -> b.deleteBatchSize(integer("S3_DELETE_BATCH_SIZE", v)));
    return b.build();
  }

  /**
   * Reads a WAL-G config file ({@code .json}, or {@code .yaml}/{@code .yml}: keys are the
   * environment names, values strings) and applies {@link #fromWalgConfig(Map)}.
   */
  public static WalgS3Settings fromWalgConfigFile(Path file) {
    return fromWalgConfig(readConfigFile(file));
  }

  /** The key/value pairs of a WAL-G config file; values turned into strings as viper does. */
  public static Map<String, String> readConfigFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      if (name.endsWith(".json")) {
        JsonNode root = new ObjectMapper().readTree(in);
        if (root == null || !root.isObject()) {
          throw new IllegalArgumentException(file + ": a WAL-G JSON config must be one object");
        }
        root.properties().forEach(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
      } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        if (!(root instanceof Map<?, ?> map)) {
          throw new IllegalArgumentException(file + ": a WAL-G YAML config must be one mapping");
        }
        map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
      } else {
        throw new IllegalArgumentException(file + ": unsupported config format (use .json, .yaml or .yml)");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read WAL-G config: " + e.getMessage(), e);
    }
    return out;
  }

  public String bucket() {
    return bucket;
  }

  /** The root path inside the bucket, without leading or trailing {@code /}; may be empty. */
  public String rootPath() {
    return rootPath;
  }

  /** The S3 key of {@code relative} under the root. */
  public String key(String relative) {
    return rootPath.isEmpty() ? relative : rootPath + "/" + relative;
  }

  /** {@code relative} of a full key under the root. */
  public String relative(String key) {
    return rootPath.isEmpty() ? key : key.substring(rootPath.length() + 1);
  }

  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * The region's name, e.g. {@code eu-central-1}; {@code us-east-1} when an endpoint is set without one (as WAL-G
   * does); empty when neither is set (the AWS SDK then looks it up: {@code AWS_REGION}, profile, instance metadata).
   */
  public Optional<String> region() {
    if (region == null && endpoint != null) {
      return Optional.of(DEFAULT_ENDPOINT_REGION);
    }
    return Optional.ofNullable(region);
  }

  public boolean forcePathStyle() {
    return forcePathStyle;
  }

  /** How requests are signed; {@link S3Credentials#defaultChain()} unless set. */
  public S3Credentials credentials() {
    return credentials;
  }

  /** {@code S3_SSE}: {@code AES256} or {@code aws:kms}. */
  public Optional<String> serverSideEncryption() {
    return Optional.ofNullable(serverSideEncryption);
  }

  public Optional<String> sseKmsKeyId() {
    return Optional.ofNullable(sseKmsKeyId);
  }

  /** The SSE-C key (a copy), needed on every GET of an SSE-C repository. */
  public Optional<byte[]> sseCustomerKey() {
    return Optional.ofNullable(sseCustomerKey == null ? null : sseCustomerKey.clone());
  }

  /** WAL segment size in bytes ({@code WALG_PG_WAL_SIZE}, default 16 MiB). */
  public long walSegmentSize() {
    return walSegmentSize;
  }

  public int downloadConcurrency() {
    return downloadConcurrency;
  }

  public int deleteBatchSize() {
    return deleteBatchSize;
  }

  public ChecksumMode checksumMode() {
    return checksumMode;
  }

  @Override
  public String toString() {
    return "WalgS3Settings{prefix=s3://" + bucket + "/" + rootPath
        + (endpoint != null ? ", endpoint=" + endpoint : "")
        + (region != null ? ", region=" + region : "")
        + ", forcePathStyle=" + forcePathStyle
        + ", credentials=" + credentials
        + (serverSideEncryption != null ? ", sse=" + serverSideEncryption : "")
        + (sseCustomerKey != null ? ", sseC=<hidden>" : "")
        + ", walSegmentSize=" + walSegmentSize + "}";
  }

  private static Optional<String> first(Map<String, String> config, String... keys) {
    for (String k : keys) {
      String v = config.get(k);
      if (v != null && !v.isBlank()) {
        return Optional.of(v.trim());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> s3(Map<String, String> config, String name) {
    return first(config, name, "WALG_" + name, "WALE_" + name);
  }

  private static boolean bool(String key, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "t", "yes" -> true;
      case "false", "0", "f", "no" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    };
  }

  private static int integer(String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
    }
  }

  /** {@code value} if it is a region name; otherwise the message names {@code what} and the value. */
  private static String checkedRegion(String what, String value) {
    if (!REGION.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must be a region name such as eu-central-1 (letters, digits, '-', '_'),"
          + " got '" + value + "'");
    }
    return value;
  }

  private static byte[] sseCustomerKey(String value) {
    // WAL-G passes S3_SSE_C as the raw 32-character key; accept base64 of 32 bytes too.
    if (value.length() == 32) {
      return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(value);
      if (decoded.length == 32) {
        return decoded;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below without echoing the secret
    }
    throw new IllegalArgumentException("S3_SSE_C must be a 32-byte key (raw or base64)");
  }

  /**
   * Builds {@link WalgS3Settings}; every setting has WAL-G's default unless set.
   *
   * <pre>{@code
   * WalgS3Settings.Builder b = WalgS3Settings.builder("s3://backups/prod")
   *     .appendPath("pg1")                                  // WALG_STORAGE_PREFIX
   *     .region("eu-central-1")                             // AWS_REGION
   *     .credentials(S3Credentials.profile("backup-reader"));  // AWS_PROFILE
   * WalgS3Settings settings = b.build();
   * }</pre>
   *
   * <p>Not thread-safe: configure on one thread, then share the immutable settings.
   */
  public static final class Builder {
    private final String bucket;
    private String rootPath;
    private @Nullable URI endpoint;
    private @Nullable String region;
    private boolean forcePathStyle;
    private S3Credentials credentials = S3Credentials.defaultChain();
    private @Nullable String serverSideEncryption;
    private @Nullable String sseKmsKeyId;
    private byte @Nullable [] sseCustomerKey;
    private long walSegmentSize = WalSegment.DEFAULT_SIZE;
    private int downloadConcurrency = 10;
    private int deleteBatchSize = 1000;
    private ChecksumMode checksumMode = ChecksumMode.WHEN_SUPPORTED;

    private Builder(String s3Prefix) {
      Objects.requireNonNull(s3Prefix, "s3Prefix == null");
      if (!s3Prefix.startsWith("s3://")) {
        throw new IllegalArgumentException("WAL-G S3 prefix must start with s3://, got '" + s3Prefix + "'");
      }
      String rest = s3Prefix.substring(5);
      int slash = rest.indexOf('/');
      this.bucket = slash < 0 ? rest : rest.substring(0, slash);
      if (bucket.isEmpty()) {
        throw new IllegalArgumentException("WAL-G S3 prefix has no bucket: '" + s3Prefix + "'");
      }
      this.rootPath = trimSlashes(slash < 0 ? "" : rest.substring(slash + 1));
    }

    /** {@code WALG_STORAGE_PREFIX}: one more folder under the root. */
    public Builder appendPath(String folder) {
      String f = trimSlashes(folder);
      if (!f.isEmpty()) {
        rootPath = rootPath.isEmpty() ? f : rootPath + "/" + f;
      }
      return this;
    }

    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint == null");
      return this;
    }

    /**
     * The region's name ({@code AWS_REGION}), e.g. {@code eu-central-1}, or whatever an S3 compatible store signs
     * with (MinIO: {@code us-east-1} unless configured; Garage: {@code garage}).
     *
     * @throws IllegalArgumentException unless it is 1 to 64 letters, digits, {@code -} or {@code _}, starting with a
     *     letter or digit
     */
    public Builder region(String region) {
      this.region = checkedRegion("region", Objects.requireNonNull(region, "region == null"));
      return this;
    }

    public Builder forcePathStyle(boolean forcePathStyle) {
      this.forcePathStyle = forcePathStyle;
      return this;
    }

    /** How requests are signed (default {@link S3Credentials#defaultChain()}). */
    public Builder credentials(S3Credentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials == null");
      return this;
    }

    public Builder serverSideEncryption(String algorithm) {
      if (!algorithm.equals("AES256") && !algorithm.equals("aws:kms")) {
        throw new IllegalArgumentException("S3_SSE must be AES256 or aws:kms, got '" + algorithm + "'");
      }
      this.serverSideEncryption = algorithm;
      return this;
    }

    public Builder sseKmsKeyId(String keyId) {
      this.sseKmsKeyId = Objects.requireNonNull(keyId, "keyId == null");
      return this;
    }

    public Builder sseCustomerKey(byte[] key) {
      if (key.length != 32) {
        throw new IllegalArgumentException("SSE-C key must be 32 bytes");
      }
      this.sseCustomerKey = key.clone();
      return this;
    }

    public Builder walSegmentSize(long bytes) {
      WalSegment.containing(1, Lsn.ZERO, bytes); // validates
      this.walSegmentSize = bytes;
      return this;
    }

    public Builder downloadConcurrency(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("downloadConcurrency < 1");
      }
      this.downloadConcurrency = n;
      return this;
    }

    public Builder deleteBatchSize(int n) {
      if (n < 1 || n > 1000) {
        throw new IllegalArgumentException("deleteBatchSize must be 1..1000");
      }
      this.deleteBatchSize = n;
      return this;
    }

    public Builder checksumMode(ChecksumMode mode) {
      this.checksumMode = Objects.requireNonNull(mode, "mode == null");
      return this;
    }

    public WalgS3Settings build() {
      return new WalgS3Settings(this);
    }

    private static String trimSlashes(String s) {
      int start = 0;
      int end = s.length();
      while (start < end && s.charAt(start) == '/') {
        start++;
      }
      while (end > start && s.charAt(end - 1) == '/') {
        end--;
      }
      return s.substring(start, end);
    }
  }
}
