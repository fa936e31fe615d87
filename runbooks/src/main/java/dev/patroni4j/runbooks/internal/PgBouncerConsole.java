package dev.patroni4j.runbooks.internal;

import dev.patroni4j.runbooks.RunbookException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A minimal client of PgBouncer's admin console over the PostgreSQL wire protocol (startup, cleartext/md5/SCRAM-SHA-256
 * authentication, simple queries). pgjdbc cannot be used: the 1.18 console reports server version "1.18.0/bouncer",
 * so pgjdbc's set-up query {@code SET extra_float_digits} is rejected. Not thread-safe; one command at a time.
 */
public final class PgBouncerConsole implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final String where;

  private PgBouncerConsole(Socket socket, String where) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    this.where = where;
  }

  /** Thrown when the console cannot be reached, refuses the login, or answers a command with an error. */
  public static final class ConsoleException extends RunbookException {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;

    ConsoleException(String message, boolean timedOut, Throwable cause) {
      super(message, cause);
      this.timedOut = timedOut;
    }

    ConsoleException(String message) {
      super(message);
      this.timedOut = false;
    }

    /** The console did not answer within the read timeout (the command may still be in progress). */
    public boolean timedOut() {
      return timedOut;
    }
  }

  /** Connects and logs in to the {@code pgbouncer} admin database; {@code timeout} bounds connect and every read. */
  public static PgBouncerConsole connect(String host, int port, String user, String password, Duration timeout) {
    String where = "PgBouncer admin console " + host + ":" + port;
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      PgBouncerConsole c = new PgBouncerConsole(socket, where);
      c.login(user, password);
      return c;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      closeQuietly(socket);
      if (e instanceof ConsoleException ce) {
        throw ce;
      }
      throw new ConsoleException("cannot log in to " + where + " as " + user + ": " + e.getMessage(),
          e instanceof SocketTimeoutException, e);
    }
  }

  /** The read timeout of the following commands. */
  public void readTimeout(Duration timeout) {
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    } catch (IOException e) {
      throw new ConsoleException(where + ": " + e.getMessage(), false, e);
    }
  }

  /** Runs a command that returns no rows ({@code PAUSE db}, {@code RESUME db}, {@code RELOAD}); its command tag. */
  public String command(String command) {
    return run(command).tag;
  }

  /** Runs a {@code SHOW ...} command; its rows, column name to text value ({@code ""} for NULL). */
  public List<Map<String, String>> show(String command) {
    return run(command).rows;
  }

  private record Answer(String tag, List<Map<String, String>> rows) {}

  private Answer run(String command) {
    try {
      byte[] sql = (command + "\0").getBytes(StandardCharsets.UTF_8);
      out.writeByte('Q');
      out.writeInt(4 + sql.length);
      out.write(sql);
      out.flush();
      List<String> columns = new ArrayList<>();
      List<Map<String, String>> rows = new ArrayList<>();
      String tag = "";
      String error = null;
      while (true) {
        int type = in.readUnsignedByte();
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        switch (type) {
          case 'T' -> columns = rowDescription(body);
          case 'D' -> rows.add(dataRow(body, columns));
          case 'C' -> tag = cstring(body, 0);
          case 'E' -> error = errorMessage(body);
          case 'Z' -> {
            if (error != null) {
              throw new ConsoleException(where + " answered '" + command + "' with: " + error);
            }
            return new Answer(tag, rows);
          }
          default -> { } // notices, parameter status
        }
      }
    } catch (SocketTimeoutException e) {
      throw new ConsoleException(where + " did not answer '" + command + "' within the read timeout", true, e);
    } catch (IOException e) {
      throw new ConsoleException(where + " failed during '" + command + "': " + e.getMessage(), false, e);
    }
  }

  private void login(String user, String password) throws IOException, GeneralSecurityException {
    ByteArrayOutputStream params = new ByteArrayOutputStream();
    for (String s : new String[] {"user", user, "database", "pgbouncer", "application_name", "patroni4j"}) {
      params.write(s.getBytes(StandardCharsets.UTF_8));
      params.write(0);
    }
    params.write(0);
    out.writeInt(8 + params.size());
    out.writeInt(196608);
    params.writeTo(out);
    out.flush();
    byte[] scramClientFirstBare = null;
    byte[] scramNonce = null;
    byte[] serverSignature = null;
    while (true) {
      int type = in.readUnsignedByte();
      byte[] body = new byte[in.readInt() - 4];
      in.readFully(body);
      if (type == 'E') {
        throw new ConsoleException("login to " + where + " as " + user + " refused: " + errorMessage(body));
      }
      if (type == 'Z') {
        return;
      }
      if (type != 'R') {
        continue;
      }
      int code = readInt(body, 0);
      switch (code) {
        case 0 -> { } // AuthenticationOk; wait for ReadyForQuery
        case 3 -> password(password.getBytes(StandardCharsets.UTF_8));
        case 5 -> {
          byte[] salt = java.util.Arrays.copyOfRange(body, 4, 8);
          String inner = md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
          byte[] salted = concat(inner.getBytes(StandardCharsets.US_ASCII), salt);
          password(("md5" + md5Hex(salted)).getBytes(StandardCharsets.US_ASCII));
        }
        case 10 -> {
          byte[] nonce = new byte[18];
          new SecureRandom().nextBytes(nonce);
          scramNonce = Base64.getEncoder().encode(nonce);
          scramClientFirstBare = ("n=,r=" + new String(scramNonce, StandardCharsets.US_ASCII))
              .getBytes(StandardCharsets.US_ASCII);
          byte[] first = concat("n,,".getBytes(StandardCharsets.US_ASCII), scramClientFirstBare);
          byte[] mech = "SCRAM-SHA-256\0".getBytes(StandardCharsets.US_ASCII);
          out.writeByte('p');
          out.writeInt(4 + mech.length + 4 + first.length);
          out.write(mech);
          out.writeInt(first.length);
          out.write(first);
          out.flush();
        }
        case 11 -> {
          if (scramClientFirstBare == null || scramNonce == null) {
            throw new ConsoleException(where + " sent a SCRAM challenge out of order");
          }
          String serverFirst = new String(body, 4, body.length - 4, StandardCharsets.US_ASCII);
          Map<String, String> attrs = scramAttributes(serverFirst);
          String nonce = attrs.getOrDefault("r", "");
          if (!nonce.startsWith(new String(scramNonce, StandardCharsets.US_ASCII))) {
            throw new ConsoleException(where + " answered SCRAM with a foreign nonce");
          }
          byte[] salt = Base64.getDecoder().decode(attrs.getOrDefault("s", ""));
          int iterations = Integer.parseInt(attrs.getOrDefault("i", "4096"));
          byte[] saltedPassword = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
              .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
          byte[] clientKey = hmac(saltedPassword, "Client Key");
          byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
          String finalWithoutProof = "c=biws,r=" + nonce;
          byte[] authMessage = (new String(scramClientFirstBare, StandardCharsets.US_ASCII) + "," + serverFirst + ","
              + finalWithoutProof).getBytes(StandardCharsets.US_ASCII);
          byte[] signature = hmac(storedKey, authMessage);
          byte[] proof = new byte[clientKey.length];
          for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
          }
          serverSignature = hmac(hmac(saltedPassword, "Server Key"), authMessage);
          byte[] fin = (finalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
              .getBytes(StandardCharsets.US_ASCII);
          out.writeByte('p');
          out.writeInt(4 + fin.length);
          out.write(fin);
          out.flush();
        }
        case 12 -> {
          String serverFinal = new String(body, 4, body.length - 4, StandardCharsets.US_ASCII);
          byte[] claimed = Base64.getDecoder().decode(scramAttributes(serverFinal).getOrDefault("v", ""));
          if (serverSignature == null || !MessageDigest.isEqual(claimed, serverSignature)) {
            throw new ConsoleException(where + " failed to prove it knows the password (SCRAM server signature)");
          }
        }
        default -> throw new ConsoleException(where + " asks for an authentication method patroni4j does not "
            + "speak (code " + code + "); use auth_type md5, scram-sha-256 or plain");
      }
    }
  }

  private void password(byte[] secret) throws IOException {
    out.writeByte('p');
    out.writeInt(4 + secret.length + 1);
    out.write(secret);
    out.writeByte(0);
    out.flush();
  }

  private static Map<String, String> scramAttributes(String message) {
    Map<String, String> attrs = new HashMap<>();
    for (String part : message.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        attrs.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return attrs;
  }

  private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
    return hmac(key, data.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static String md5Hex(byte[] data) throws GeneralSecurityException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static List<String> rowDescription(byte[] body) {
    int n = readShort(body, 0);
    List<String> names = new ArrayList<>(n);
    int pos = 2;
    for (int i = 0; i < n; i++) {
      String name = cstring(body, pos);
      names.add(name);
      pos += name.getBytes(StandardCharsets.UTF_8).length + 1 + 18;
    }
    return names;
  }

  private static Map<String, String> dataRow(byte[] body, List<String> columns) {
    int n = readShort(body, 0);
    Map<String, String> row = new LinkedHashMap<>();
    int pos = 2;
    for (int i = 0; i < n; i++) {
      int len = readInt(body, pos);
      pos += 4;
      String value = len < 0 ? "" : new String(body, pos, len, StandardCharsets.UTF_8);
      pos += Math.max(0, len);
      row.put(i < columns.size() ? columns.get(i) : "column" + i, value);
    }
    return row;
  }

  private static String errorMessage(byte[] body) {
    int pos = 0;
    String message = "";
    while (pos < body.length && body[pos] != 0) {
      byte field = body[pos++];
      String value = cstring(body, pos);
      pos += value.getBytes(StandardCharsets.UTF_8).length + 1;
      if (field == 'M') {
        message = value;
      }
    }
    return message;
  }

  private static String cstring(byte[] body, int from) {
    int end = from;
    while (end < body.length && body[end] != 0) {
      end++;
    }
    return new String(body, from, end - from, StandardCharsets.UTF_8);
  }

  private static int readInt(byte[] b, int at) {
    if (at + 4 > b.length) {
      throw new ConsoleException("truncated message from the PgBouncer admin console");
    }
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  private static int readShort(byte[] b, int at) {
    if (at + 2 > b.length) {
      throw new ConsoleException("truncated message from the PgBouncer admin console");
    }
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  @Override
  public void close() {
    try {
      out.writeByte('X');
      out.writeInt(4);
      out.flush();
    } catch (IOException ignored) {
      // closing anyway
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
