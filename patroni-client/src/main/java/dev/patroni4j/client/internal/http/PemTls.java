package dev.patroni4j.client.internal.http;

import dev.patroni4j.client.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS material from the PEM files Patroni is configured with ({@code cafile}, {@code certfile},
 * {@code keyfile}, {@code keyfile_password}): X.509 certificates, and private keys as PKCS#8
 * ({@code PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}), PKCS#1 ({@code RSA
 * PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}), the last two optionally with OpenSSL's legacy
 * {@code Proc-Type: 4,ENCRYPTED} AES-CBC encryption.
 */
public final class PemTls {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
  // OID 1.2.840.113549.1.1.1 (rsaEncryption) and 1.2.840.10045.2.1 (ecPublicKey) as DER.
  private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PemTls() {}

  /**
   * Builds TLS material. With no CA file the JVM's default trust store is used.
   *
   * @throws IllegalArgumentException naming the file (never a password) if anything is unreadable
   */
  public static TlsConfig.Material load(
      @Nullable Path caFile, @Nullable Path certFile, @Nullable Path keyFile, char @Nullable [] keyPassword) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile != null) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate c : certificates(caFile)) {
          trust.setCertificateEntry("ca-" + i++, c);
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null);
      }
      KeyManager[] keyManagers = null;
      X509KeyManager keyManager = null;
      if (certFile != null) {
        if (keyFile == null) {
          throw new IllegalArgumentException("a client certificate needs its key file (keyfile)");
        }
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile, keyPassword);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] storePassword = "p4j".toCharArray();
        ks.setKeyEntry("client", key, storePassword, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, storePassword);
        keyManagers = kmf.getKeyManagers();
        for (KeyManager k : keyManagers) {
          if (k instanceof X509KeyManager x) {
            keyManager = x;
          }
        }
      }
      X509TrustManager tm = null;
      for (TrustManager t : tmf.getTrustManagers()) {
        if (t instanceof X509TrustManager x) {
          tm = x;
        }
      }
      if (tm == null) {
        throw new IllegalStateException("no X509TrustManager available");
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers, new TrustManager[] {tm}, null);
      return new TlsConfig.Material(ctx, tm, keyManager);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    Collection<? extends Certificate> certs =
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : certs) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no certificate in " + file);
    }
    return out;
  }

  static PrivateKey privateKey(Path file, char @Nullable [] password) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      Map<String, String> headers = new HashMap<>();
      StringBuilder base64 = new StringBuilder();
      for (String line : m.group(2).split("\\r?\\n", -1)) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        } else {
          base64.append(line.trim());
        }
      }
      byte[] der = Base64.getMimeDecoder().decode(base64.toString());
      if (headers.getOrDefault("Proc-Type", "").contains("ENCRYPTED")) {
        der = decryptLegacy(der, headers.getOrDefault("DEK-Info", ""), password, file);
      }
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der);
        case "ENCRYPTED PRIVATE KEY":
          if (password == null) {
            throw new IllegalArgumentException("key file " + file + " is encrypted; a key password is needed");
          }
          EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
          // For PBES2 the parameters name the real algorithm, e.g. PBEWithHmacSHA256AndAES_256.
          String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
          SecretKeyFactory skf = SecretKeyFactory.getInstance(alg);
          Cipher cipher = Cipher.getInstance(alg);
          cipher.init(Cipher.DECRYPT_MODE, skf.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
          return pkcs8(info.getKeySpec(cipher).getEncoded());
        case "RSA PRIVATE KEY":
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs8(der, sequence(RSA_OID, new byte[] {0x05, 0x00}))));
        case "EC PRIVATE KEY":
          return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs8(der, sequence(EC_OID, ecCurveOid(der)))));
        default:
          throw new IllegalArgumentException("unsupported key type '" + type + "' in " + file);
      }
    }
    throw new IllegalArgumentException("no private key in " + file);
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  // OpenSSL's EVP_BytesToKey with MD5, one iteration: the legacy "Proc-Type: 4,ENCRYPTED" scheme.
  private static byte[] decryptLegacy(byte[] der, String dekInfo, char @Nullable [] password, Path file)
      throws GeneralSecurityException {
    if (password == null) {
      throw new IllegalArgumentException("key file " + file + " is encrypted; a key password is needed");
    }
    String[] parts = dekInfo.split(",", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("unreadable DEK-Info in " + file);
    }
    String cipherName = parts[0].trim().toUpperCase(Locale.ROOT);
    int keyLength;
    switch (cipherName) {
      case "AES-128-CBC" -> keyLength = 16;
      case "AES-192-CBC" -> keyLength = 24;
      case "AES-256-CBC" -> keyLength = 32;
      default -> throw new IllegalArgumentException("unsupported legacy key encryption " + cipherName + " in " + file + "; convert it with `openssl pkcs8 -topk8`");
    }
    byte[] iv = new BigInteger(parts[1].trim(), 16).toByteArray();
    byte[] ivFixed = new byte[16];
    System.arraycopy(iv, Math.max(0, iv.length - 16), ivFixed, Math.max(0, 16 - iv.length), Math.min(16, iv.length));
    byte[] pass = new String(password).getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[keyLength];
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    byte[] previous = new byte[0];
    int filled = 0;
    while (filled < keyLength) {
      md5.update(previous);
      md5.update(pass);
      md5.update(ivFixed, 0, 8);
      previous = md5.digest();
      int n = Math.min(previous.length, keyLength - filled);
      System.arraycopy(previous, 0, key, filled, n);
      filled += n;
    }
    Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(ivFixed));
    return cipher.doFinal(der);
  }

  // SEC1 ECPrivateKey: SEQUENCE { version, privateKey OCTET STRING, [0] parameters OID, ... }.
  private static byte[] ecCurveOid(byte[] sec1) {
    for (int i = 0; i + 2 < sec1.length; i++) {
      if ((sec1[i] & 0xff) == 0xa0 && sec1[i + 2] == 0x06) {
        int len = sec1[i + 3] & 0xff;
        byte[] oid = new byte[len + 2];
        System.arraycopy(sec1, i + 2, oid, 0, len + 2);
        return oid;
      }
    }
    throw new IllegalArgumentException("EC key without a named curve");
  }

  private static byte[] wrapPkcs8(byte[] key, byte[] algorithmIdentifier) {
    byte[] version = {0x02, 0x01, 0x00};
    return derSequence(concat(version, algorithmIdentifier, derTagged(0x04, key)));
  }

  private static byte[] sequence(byte[]... parts) {
    return derSequence(concat(parts));
  }

  private static byte[] derSequence(byte[] content) {
    return derTagged(0x30, content);
  }

  private static byte[] derTagged(int tag, byte[] content) {
    byte[] length;
    int n = content.length;
    if (n < 0x80) {
      length = new byte[] {(byte) n};
    } else if (n < 0x100) {
      length = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      length = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    return concat(new byte[] {(byte) tag}, length, content);
  }

  private static byte[] concat(byte[]... parts) {
    int total = 0;
    for (byte[] p : parts) {
      total += p.length;
    }
    byte[] out = new byte[total];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }
}
