package dev.patroni4j.runbooks.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.host.HostActions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A member's {@code patroni.dynamic.json} (Patroni's copy of the dynamic configuration in its data directory), read
 * and written through the host actions. Runbooks that reset the cluster in the DCS strip its {@code pause}: a
 * Patroni started on a reset DCS takes the file's configuration, and a stale {@code pause} would keep it in
 * maintenance mode with nothing in the DCS to resume.
 */
final class DynamicConfigFile {
  static final String NAME = "patroni.dynamic.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DynamicConfigFile() {}

  /** The file's object; empty when the file is absent; a typed error when it is not a JSON object. */
  static Optional<ObjectNode> read(HostActions hosts, String member, Path file) throws IOException {
    Optional<String> text = hosts.readFile(member, file);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    JsonNode n = JSON.readTree(text.get());
    if (!(n instanceof ObjectNode obj)) {
      throw new RunbookException(file + " on " + member + " is not a JSON object");
    }
    return Optional.of(obj);
  }

  static boolean hasPause(HostActions hosts, String member, Path file) throws IOException {
    return read(hosts, member, file).filter(n -> n.has("pause")).isPresent();
  }

  /** Writes {@code doc} without {@code pause} to {@code file}. */
  static void writeWithoutPause(HostActions hosts, String member, Path file, ObjectNode doc) throws IOException {
    ObjectNode copy = doc.deepCopy();
    copy.remove("pause");
    hosts.writeFile(member, file, JSON.writeValueAsBytes(copy));
  }

  /** Removes {@code pause} from {@code file} in place; nothing when the file is absent. */
  static void stripPause(HostActions hosts, String member, Path file) throws IOException {
    Optional<ObjectNode> doc = read(hosts, member, file);
    if (doc.isPresent()) {
      writeWithoutPause(hosts, member, file, doc.get());
    }
  }
}
