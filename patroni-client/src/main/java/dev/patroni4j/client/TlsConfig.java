package dev.patroni4j.client;

import dev.patroni4j.client.internal.http.PemTls;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * How to talk TLS, from the same PEM files Patroni and {@code patronictl} use: a CA to trust
 * ({@code restapi.cafile} / {@code ctl.cacert}, {@code etcd3.cacert}, {@code consul.cacert}), and a
 * client certificate with its key ({@code ctl.certfile}, {@code ctl.keyfile}, {@code
 * ctl.keyfile_password}; {@code etcd3.cert}/{@code key}, {@code consul.cert}/{@code key}) for
 * servers that verify clients. Hostname verification is on unless switched off. The one TLS
 * settings type of patroni4j: {@code PatroniClient.Builder.tls}, {@code EtcdDcsClient.Builder.tls}
 * and {@code ConsulDcsClient.Builder.tls} all take it.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.builder()
 *     .caFile(Path.of("/etc/patroni/ca.pem"))
 *     .clientCertificate(Path.of("/etc/patroni/client.pem"), Path.of("/etc/patroni/client.key"))
 *     .keyPassword(System.getenv("PATRONI_CTL_KEYFILE_PASSWORD").toCharArray())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@code toString()} never shows the key password.
 */
public final class TlsConfig {
  /**
   * The JSSE objects these settings make, for transports that set up their own TLS (the DCS clients).
   *
   * @param context an SSL context trusting the CA file (or the JVM's store) and presenting the client certificate
   * @param trustManager the trust manager inside {@code context}
   * @param keyManager the key manager inside {@code context}; null without a client certificate
   */
  public record Material(SSLContext context, X509TrustManager trustManager, @Nullable X509KeyManager keyManager) {
    public Material {
      Objects.requireNonNull(context, "context == null");
      Objects.requireNonNull(trustManager, "trustManager == null");
    }

    /** The key manager presenting the client certificate, if one is configured. */
    public Optional<X509KeyManager> findKeyManager() {
      return Optional.ofNullable(keyManager);
    }
  }

  private final @Nullable Path caFile;
  private final @Nullable Path certFile;
  private final @Nullable Path keyFile;
  private final char @Nullable [] keyPassword;
  private final boolean hostnameVerification;

  private TlsConfig(Builder b) {
    this.caFile = b.caFile;
    this.certFile = b.certFile;
    this.keyFile = b.keyFile;
    this.keyPassword = b.keyPassword == null ? null : b.keyPassword.clone();
    this.hostnameVerification = b.hostnameVerification;
  }

  /** A builder with hostname verification on and the JVM's default trust store. */
  public static Builder builder() {
    return new Builder();
  }

  /** The CA certificates file, if not the JVM's default trust store. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /** The client certificate file (PEM, may hold the chain). */
  public Optional<Path> certFile() {
    return Optional.ofNullable(certFile);
  }

  /** The client key file (PEM). */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  /** True unless hostname verification was switched off explicitly. */
  public boolean hostnameVerification() {
    return hostnameVerification;
  }

  /**
   * Reads the PEM files into JSSE objects.
   *
   * @throws IllegalArgumentException naming the file (never the password) if anything cannot be read
   */
  public Material load() {
    char[] password = keyPassword == null ? null : keyPassword.clone();
    try {
      return PemTls.load(caFile, certFile, keyFile, password);
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  @Override
  public String toString() {
    return "TlsConfig{caFile=" + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile
        + ", keyPassword=" + (keyPassword == null ? "none" : "***")
        + ", hostnameVerification=" + hostnameVerification + "}";
  }

  /** Builds a {@link TlsConfig}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Path caFile;
    private @Nullable Path certFile;
    private @Nullable Path keyFile;
    private char @Nullable [] keyPassword;
    private boolean hostnameVerification = true;

    private Builder() {}

    /** Trust only the CAs in this PEM file (instead of the JVM's default trust store). */
    public Builder caFile(Path caFile) {
      this.caFile = Objects.requireNonNull(caFile, "caFile == null");
      return this;
    }

    /** Present this client certificate (PEM) with its private key (PEM, PKCS#8, PKCS#1 or SEC1). */
    public Builder clientCertificate(Path certFile, Path keyFile) {
      this.certFile = Objects.requireNonNull(certFile, "certFile == null");
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile == null");
      return this;
    }

    /** The password of an encrypted key file; the array is copied. */
    public Builder keyPassword(char[] password) {
      this.keyPassword = Objects.requireNonNull(password, "password == null").clone();
      return this;
    }

    /**
     * Whether to check that the server certificate names the host called. On by default; switch
     * it off only for certificates issued without the member's address (like {@code ctl.insecure}
     * with a client certificate).
     */
    public Builder hostnameVerification(boolean enabled) {
      this.hostnameVerification = enabled;
      return this;
    }

    public TlsConfig build() {
      TlsConfig c = new TlsConfig(this);
      if (keyPassword != null) {
        Arrays.fill(keyPassword, '\0');
      }
      return c;
    }
  }
}
