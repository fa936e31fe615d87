package dev.patroni4j.walg;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The library's S3 settings as the AWS SDK's: kept in this package, and package-private, so that no SDK type is part
 * of the API and the secret of {@link S3Credentials.StaticKeys} has no public accessor.
 */
final class AwsSdk {
  private AwsSdk() {}

  /** The SDK client the settings describe; its owner closes it. */
  static S3Client client(WalgS3Settings settings) {
    S3ClientBuilder b = S3Client.builder()
        .credentialsProvider(credentials(settings.credentials()))
        .forcePathStyle(settings.forcePathStyle());
    settings.endpoint().ifPresent(b::endpointOverride);
    settings.region().ifPresent(r -> b.region(Region.of(r)));
    if (settings.checksumMode() == WalgS3Settings.ChecksumMode.WHEN_REQUIRED) {
      b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return b.build();
  }

  static AwsCredentialsProvider credentials(S3Credentials credentials) {
    if (credentials instanceof S3Credentials.StaticKeys keys) {
      String token = keys.sessionToken();
      return StaticCredentialsProvider.create(token != null
          ? AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey(), token)
          : AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey()));
    }
    if (credentials instanceof S3Credentials.Profile profile) {
      return ProfileCredentialsProvider.create(profile.name());
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
