package dev.patroni4j.walg.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Decodes the LZ4 frame format (what WAL-G's default {@code lz4} compression writes) for small
 * objects such as timeline history files. Written from the LZ4 frame and block format
 * specifications; checksums are skipped, not verified.
 */
public final class Lz4Frames {
  private static final int MAGIC = 0x184D2204;

  private Lz4Frames() {}

  public static byte[] decode(byte[] in, int maxOutput) throws IOException {
    Out out = new Out(maxOutput);
    int p = 0;
    while (p < in.length) {
      int magic = le32(in, p);
      if ((magic & 0xFFFFFFF0) == 0x184D2A50) { // skippable frame
        p += 8 + le32(in, p + 4);
        continue;
      }
      if (magic != MAGIC) {
        throw new IOException("not an LZ4 frame (magic " + Integer.toHexString(magic) + ")");
      }
      p += 4;
      int flg = u8(in, p++);
      p++; // BD: block maximum size, not needed to decode
      if ((flg >>> 6) != 1) {
        throw new IOException("unsupported LZ4 frame version " + (flg >>> 6));
      }
      boolean blockChecksum = (flg & 0x10) != 0;
      boolean contentSize = (flg & 0x08) != 0;
      boolean contentChecksum = (flg & 0x04) != 0;
      boolean dictId = (flg & 0x01) != 0;
      p += (contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1; // + header checksum
      while (true) {
        int size = le32(in, p);
        p += 4;
        if (size == 0) {
          break;
        }
        boolean stored = (size & 0x80000000) != 0;
        size &= 0x7FFFFFFF;
        check(in, p, size);
        if (stored) {
          out.write(in, p, size);
        } else {
          decodeBlock(in, p, p + size, out);
        }
        p += size + (blockChecksum ? 4 : 0);
      }
      p += contentChecksum ? 4 : 0;
    }
    return out.toByteArray();
  }

  private static void decodeBlock(byte[] in, int p, int end, Out out) throws IOException {
    while (p < end) {
      int token = u8(in, p++);
      int literals = token >>> 4;
      if (literals == 15) {
        int b;
        do {
          b = u8(in, p++);
          literals += b;
        } while (b == 255);
      }
      check(in, p, literals);
      out.write(in, p, literals);
      p += literals;
      if (p >= end) {
        return; // the last sequence has literals only
      }
      int offset = u8(in, p) | (u8(in, p + 1) << 8);
      p += 2;
      int match = token & 15;
      if (match == 15) {
        int b;
        do {
          b = u8(in, p++);
          match += b;
        } while (b == 255);
      }
      out.copyBack(offset, match + 4);
    }
  }

  private static void check(byte[] in, int p, int n) throws IOException {
    if (n < 0 || p + n > in.length) {
      throw new IOException("truncated LZ4 frame");
    }
  }

  private static int u8(byte[] in, int p) throws IOException {
    if (p >= in.length) {
      throw new IOException("truncated LZ4 frame");
    }
    return in[p] & 0xFF;
  }

  private static int le32(byte[] in, int p) throws IOException {
    return u8(in, p) | (u8(in, p + 1) << 8) | (u8(in, p + 2) << 16) | (u8(in, p + 3) << 24);
  }

  private static final class Out extends ByteArrayOutputStream {
    private final int max;

    Out(int max) {
      this.max = max;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      if (count + len > max) {
        throw new IllegalStateException("LZ4 output exceeds " + max + " bytes");
      }
      super.write(b, off, len);
    }

    void copyBack(int offset, int len) throws IOException {
      if (offset <= 0 || offset > count) {
        throw new IOException("invalid LZ4 match offset " + offset);
      }
      if (count + len > max) {
        throw new IOException("LZ4 output exceeds " + max + " bytes");
      }
      for (int i = 0; i < len; i++) {
        write(buf[count - offset]);
      }
    }
  }
}
