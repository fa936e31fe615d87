package dev.patroni4j.runbooks;

import dev.patroni4j.runbooks.internal.JsonCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The default {@link Journal}: one JSON object per line, appended and forced to disk before {@link #append} returns.
 * A final line without its newline (the process died mid-write) is ignored on read; any other malformed line is an
 * error, because silently skipping a recorded intent could repeat a disruptive action.
 *
 * <pre>{@code Journal journal = FileJournal.at(Path.of("switchover.jsonl")); }</pre>
 *
 * <p>Thread-safety: thread-safe within one JVM; use the cluster lease to keep two processes from writing one file.
 */
public final class FileJournal implements Journal {
  private final Path path;

  private FileJournal(Path path) {
    this.path = path;
  }

  /** A journal stored at {@code path}; the file is created on first append, its parent must exist. */
  public static FileJournal at(Path path) {
    return new FileJournal(path.toAbsolutePath());
  }

  public Path path() {
    return path;
  }

  @Override
  public synchronized List<JournalEntry> read() {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new JournalException("cannot read journal " + path + ": " + e.getMessage(), e);
    }
    List<JournalEntry> out = new ArrayList<>();
    int start = 0;
    int lineNo = 1;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) {
        break; // torn final record from a crash mid-append: it was never acknowledged
      }
      String line = text.substring(start, nl);
      if (!line.isBlank()) {
        try {
          out.add(JsonCodec.entryFromJson(line));
        } catch (PlanFormatException e) {
          throw new JournalException("journal " + path + " line " + lineNo + " is corrupt: " + e.getMessage(), e);
        }
      }
      start = nl + 1;
      lineNo++;
    }
    return List.copyOf(out);
  }

  @Override
  public synchronized void append(JournalEntry entry) {
    byte[] bytes = (JsonCodec.entryToJson(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new JournalException("cannot append to journal " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "FileJournal[" + path + "]";
  }
}
