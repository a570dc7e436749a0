package org.scribe3d.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format for float arrays (format versions 1–3): the file M3D's quick start feeds its model
 * (a preprocessed CT, float32 1×D×H×W in [0, 1]). Reads little- or big-endian float32 / float64 in C order;
 * writes little-endian float32, version 1.0.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** An array: its shape and its values in C order (last axis fastest). */
  public record Array(long[] shape, float[] data) {}

  private Npy() {}

  /** Reads a float .npy file; an error names the file and what is wrong with it. */
  public static Array read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, pre, 0, file);
      pre.flip();
      byte[] magic = new byte[6];
      pre.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + " is not a .npy file (no \\x93NUMPY magic)");
      }
      int major = pre.get() & 0xff;
      pre.get(); // minor
      long headerLen;
      int headerStart;
      if (major == 1) {
        headerLen = pre.getShort() & 0xffff;
        headerStart = 10;
      } else if (major == 2 || major == 3) {
        headerLen = pre.getInt() & 0xffffffffL;
        headerStart = 12;
      } else {
        throw new IOException(file + ": .npy format version " + major + " is not supported (1, 2 or 3)");
      }
      if (headerStart + headerLen > size || headerLen > (1 << 20)) {
        throw new IOException(file + ": truncated .npy header");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, headerStart, file);
      String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      String descr = group(DESCR, header, "descr", file);
      if ("True".equals(group(FORTRAN, header, "fortran_order", file))) {
        throw new IOException(file + ": Fortran-ordered arrays are not supported (save with numpy.ascontiguousarray)");
      }
      long[] shape = parseShape(group(SHAPE, header, "shape", file), file);
      ByteOrder order = switch (descr.charAt(0)) {
        case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
        case '>' -> ByteOrder.BIG_ENDIAN;
        default -> throw new IOException(file + ": unsupported dtype '" + descr + "'");
      };
      String kind = descr.substring(1);
      int width = switch (kind) {
        case "f4" -> 4;
        case "f8" -> 8;
        default -> throw new IOException(file + ": dtype '" + descr + "' is not supported (float32 or float64)");
      };
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      if (n > Integer.MAX_VALUE - 8) {
        throw new IOException(file + ": " + n + " values are too many for one array");
      }
      long dataStart = headerStart + headerLen;
      if (size - dataStart != n * width) {
        throw new IOException(file + ": shape " + java.util.Arrays.toString(shape) + " needs " + n * width
            + " bytes of data, the file has " + (size - dataStart));
      }
      ByteBuffer data = ByteBuffer.allocate((int) (n * width)).order(order);
      readFully(ch, data, dataStart, file);
      data.flip();
      float[] out = new float[(int) n];
      if (width == 4) {
        data.asFloatBuffer().get(out);
      } else {
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) data.getDouble();
        }
      }
      return new Array(shape, out);
    } catch (NoSuchFileException e) {
      throw new IOException("no such file: " + file, e);
    }
  }

  /** Writes a little-endian float32 C-order array (atomically). */
  public static void write(Path file, long[] shape, float[] data) throws IOException {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + n + " values, not "
          + data.length);
    }
    StringBuilder sh = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      sh.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    if (shape.length == 1) {
      sh.append(',');
    }
    StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + sh + "), }");
    while ((10 + header.length() + 1) % 64 != 0) { // pad so the data starts 64-byte aligned, as numpy does
      header.append(' ');
    }
    header.append('\n');
    byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
    b.asFloatBuffer().put(data);
    AtomicFiles.writeBytes(file, b.array());
  }

  private static String group(Pattern p, String header, String what, Path file) throws IOException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IOException(file + ": .npy header has no '" + what + "'");
    }
    return m.group(1);
  }

  private static long[] parseShape(String s, Path file) throws IOException {
    List<Long> dims = new ArrayList<>();
    for (String part : s.split(",")) {
      String t = part.strip();
      if (t.isEmpty()) {
        continue;
      }
      try {
        long d = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw new IOException(file + ": bad .npy shape (" + s + ")");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
    while (b.hasRemaining()) {
      int r = ch.read(b, pos);
      if (r < 0) {
        throw new IOException(file + ": truncated .npy file");
      }
      pos += r;
    }
  }
}
