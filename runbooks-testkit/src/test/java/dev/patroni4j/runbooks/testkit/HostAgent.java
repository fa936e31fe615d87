package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.runbooks.host.HostActionException;
import dev.patroni4j.runbooks.host.HostActions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Host actions across processes, for runs of a runbook in a child JVM that the test SIGKILLs: the parent serves the
 * test kit adapter ({@link #serve}) on a local port, the way an ssh daemon serves a remote host, and records every
 * action it performed; the child's {@link #client} sends each call there. A killed child leaves the cluster's
 * processes, owned by the parent, as its last action left them.
 */
final class HostAgent implements AutoCloseable {
  private final ServerSocket server;
  private final HostActions delegate;
  private final List<String> performed = new CopyOnWriteArrayList<>();
  private final Thread thread;

  private HostAgent(HostActions delegate) throws IOException {
    this.delegate = delegate;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::acceptLoop, "host-agent");
    thread.setDaemon(true);
    thread.start();
  }

  static HostAgent serve(HostActions delegate) throws IOException {
    return new HostAgent(delegate);
  }

  int port() {
    return server.getLocalPort();
  }

  /** The actions performed, in order, e.g. {@code stopPatroni pg2}; reads (readFile, run) are left out. */
  List<String> performed() {
    return List.copyOf(performed);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try (Socket s = server.accept(); DataInputStream in = new DataInputStream(s.getInputStream());
          DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
        handle(in, out);
      } catch (IOException e) {
        // a killed child or the agent closing
      }
    }
  }

  private void handle(DataInputStream in, DataOutputStream out) throws IOException {
    String method = in.readUTF();
    String member = in.readUTF();
    try {
      switch (method) {
        case "stopPatroni" -> delegate.stopPatroni(member);
        case "startPatroni" -> delegate.startPatroni(member);
        case "switchPatroniInstallation" -> delegate.switchPatroniInstallation(member,
            PatroniVersion.parse(in.readUTF()));
        case "stopPostgres" -> delegate.stopPostgres(member);
        case "moveFile" -> delegate.moveFile(member, Path.of(in.readUTF()), Path.of(in.readUTF()));
        case "wipeDataDirectory" -> delegate.wipeDataDirectory(member, Path.of(in.readUTF()),
            Confirmation.of(in.readUTF()));
        case "writeFile" -> {
          String path = in.readUTF();
          byte[] content = new byte[in.readInt()];
          in.readFully(content);
          delegate.writeFile(member, Path.of(path), content);
        }
        case "readFile" -> {
          Optional<String> text = delegate.readFile(member, Path.of(in.readUTF()));
          out.writeBoolean(true);
          out.writeBoolean(text.isPresent());
          writeLong(out, text.orElse(""));
          return;
        }
        case "run" -> {
          int n = in.readInt();
          List<String> argv = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            argv.add(in.readUTF());
          }
          HostActions.CommandResult r = delegate.run(member, argv);
          out.writeBoolean(true);
          out.writeInt(r.exitCode());
          writeLong(out, r.stdout());
          writeLong(out, r.stderr());
          return;
        }
        default -> throw new HostActionException(method, member, -1, "not served by the test's host agent");
      }
      performed.add(method + " " + member);
      out.writeBoolean(true);
    } catch (HostActionException | IllegalStateException | IllegalArgumentException
        | dev.patroni4j.client.ConfirmationRefusedException e) {
      out.writeBoolean(false);
      out.writeUTF(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  private static void writeLong(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readLong(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The child's side: every call is one connection to the agent on {@code port}. */
  static HostActions client(int port) {
    return new HostActions() {
      @Override
      public void stopPatroni(String member) {
        call("stopPatroni", member, out -> { });
      }

      @Override
      public void startPatroni(String member) {
        call("startPatroni", member, out -> { });
      }

      @Override
      public void switchPatroniInstallation(String member, PatroniVersion version) {
        call("switchPatroniInstallation", member, out -> out.writeUTF(version.toString()));
      }

      @Override
      public void stopPostgres(String member) {
        call("stopPostgres", member, out -> { });
      }

      @Override
      public void moveFile(String member, Path from, Path to) {
        call("moveFile", member, out -> {
          out.writeUTF(from.toString());
          out.writeUTF(to.toString());
        });
      }

      @Override
      public void writeFile(String member, Path path, byte[] content) {
        call("writeFile", member, out -> {
          out.writeUTF(path.toString());
          out.writeInt(content.length);
          out.write(content);
        });
      }

      @Override
      public Optional<String> readFile(String member, Path path) {
        return call("readFile", member, out -> out.writeUTF(path.toString()), in -> {
          boolean present = in.readBoolean();
          String text = readLong(in);
          return present ? Optional.of(text) : Optional.empty();
        });
      }

      @Override
      public void wipeDataDirectory(String member, Path dataDirectory, Confirmation confirmation) {
        call("wipeDataDirectory", member, out -> {
          out.writeUTF(dataDirectory.toString());
          out.writeUTF(confirmation.token());
        });
      }

      @Override
      public CommandResult run(String member, List<String> command) {
        return call("run", member, out -> {
          out.writeInt(command.size());
          for (String arg : command) {
            out.writeUTF(arg);
          }
        }, in -> new CommandResult(in.readInt(), readLong(in), readLong(in)));
      }

      private void call(String method, String member, Args args) {
        call(method, member, args, in -> Boolean.TRUE);
      }

      private <T> T call(String method, String member, Args args, Reply<T> reply) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream())) {
          out.writeUTF(method);
          out.writeUTF(member);
          args.write(out);
          out.flush();
          if (!in.readBoolean()) {
            throw new HostActionException(method, member, -1, in.readUTF());
          }
          return reply.read(in);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  private interface Args {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reply<T> {
    T read(DataInputStream in) throws IOException;
  }
}
