package dev.patroni4j.config.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** What the validator asks the host, as Patroni's validator asks it (files, PATH, sockets, postgres). */
public class HostFacts {
  private final String path;

  public HostFacts(String path) {
    this.path = path;
  }

  /** The facts of this host, with this process's PATH. */
  public static HostFacts local() {
    String p = System.getenv("PATH");
    return new HostFacts(p == null ? "/usr/bin:/bin" : p);
  }

  public boolean exists(String name) {
    return Files.exists(Path.of(name));
  }

  public boolean isDirectory(String name) {
    return Files.isDirectory(Path.of(name));
  }

  public boolean isFile(String name) {
    return Files.isRegularFile(Path.of(name));
  }

  /** {@code shutil.which(program, path=dir)}; {@code dir} null means the PATH. */
  public boolean onPath(String program, @Nullable String dir) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p);
    }
    String search = dir == null ? path : dir;
    for (String d : search.split(":", -1)) {
      Path p = Path.of(d.isEmpty() ? "." : d).resolve(program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return true;
      }
    }
    return false;
  }

  /** Names of the entries of a directory. */
  public List<String> list(String dir) {
    try (Stream<Path> s = Files.list(Path.of(dir))) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  public Optional<String> read(String file) {
    try {
      return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Resolves a host name; empty when it cannot be resolved (Python's {@code gaierror}). */
  public Optional<List<InetAddress>> resolve(String host) {
    try {
      return Optional.of(List.of(InetAddress.getAllByName(host)));
    } catch (UnknownHostException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether something accepts connections on {@code address:port}. */
  public boolean accepts(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 3000);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static final Pattern VERSION = Pattern.compile("^\\S+ \\S+ (\\d+)(\\.(\\d+))?");

  /** The major version {@code postgres --version} reports, as Patroni computes it. */
  public Optional<String> postgresMajorVersion(String postgres) {
    try {
      Process p = new ProcessBuilder(postgres, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Optional.empty();
      }
      Matcher m = VERSION.matcher(out);
      if (!m.find()) {
        return Optional.empty();
      }
      int major = Integer.parseInt(m.group(1));
      return Optional.of(major < 10 ? major + "." + m.group(3) : m.group(1));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
