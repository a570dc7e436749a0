package org.scribe3d.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One safetensors file, opened for lazy reading: the header is parsed and validated on open, each
 * tensor's bytes are memory-mapped only when it is loaded (regions are mapped one by one, so files
 * larger than 2 GB work, and tensors larger than 1 GB are mapped in row chunks).
 *
 * <p>Format: 8-byte little-endian header length N, N bytes of JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}},
 * then the data region; offsets are relative to the data region.
 */
public final class SafetensorsFile implements TensorSource {
  /** Largest region mapped at once; bigger tensors are read in row chunks and concatenated. */
  static long maxMapBytes = 1L << 30; // not final: tests lower it to exercise chunking
  private static final long MAX_HEADER_BYTES = 100L << 20;

  private final Path file;
  private final FileChannel channel;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  /**
   * Whether arrays of the stored dtype on the CPU may alias the (private, copy-on-write) file mapping
   * instead of being copied. Default true; tests switch it off to exercise the copying path.
   */
  static boolean zeroCopy = true;

  private final boolean privateMaps;

  private SafetensorsFile(Path file, FileChannel channel, Map<String, TensorInfo> tensors,
      Map<String, String> metadata, boolean privateMaps) {
    this.privateMaps = privateMaps;
    this.file = file;
    this.channel = channel;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and validates a safetensors file. Throws {@link CheckpointException} naming the file. */
  public static SafetensorsFile open(Path file) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new CheckpointException("safetensors reading needs a little-endian machine");
    }
    FileChannel ch;
    boolean writable = false;
    try {
      // Java maps copy-on-write (PRIVATE) only through a channel opened for writing; nothing is ever
      // written. Read-only files are opened read-only and their tensors are copied on load.
      try {
        ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        writable = true;
      } catch (NoSuchFileException e) {
        throw e;
      } catch (IOException | SecurityException | UnsupportedOperationException e) {
        ch = FileChannel.open(file, StandardOpenOption.READ);
      }
    } catch (NoSuchFileException e) {
      throw new CheckpointException("no such safetensors file: " + file, e);
    } catch (IOException e) {
      throw new CheckpointException("cannot open safetensors file " + file + ": " + e.getMessage(), e);
    }
    try {
      long size = ch.size();
      if (size < 8) {
        throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
        throw bad(file, "header length " + headerLen + " is invalid for a file of " + size + " bytes");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      String json = new String(hb.array(), StandardCharsets.UTF_8);
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      Map<String, String> meta = new LinkedHashMap<>();
      Map<String, TensorInfo> infos = parseHeader(file, json, dataStart, dataLen, meta);
      return new SafetensorsFile(file, ch, infos, Collections.unmodifiableMap(meta), writable);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new CheckpointException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static Map<String, TensorInfo> parseHeader(Path file, String json, long dataStart, long dataLen,
      Map<String, String> meta) {
    JsonObject root;
    try {
      JsonElement el = JsonParser.parseString(json);
      if (!el.isJsonObject()) {
        throw bad(file, "header is not a JSON object");
      }
      root = el.getAsJsonObject();
    } catch (JsonParseException e) {
      throw bad(file, "header is not valid JSON (" + e.getMessage() + ")");
    }
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : root.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        if (!e.getValue().isJsonObject()) {
          throw bad(file, "__metadata__ is not an object");
        }
        for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
          if (!m.getValue().isJsonPrimitive() || !m.getValue().getAsJsonPrimitive().isString()) {
            throw bad(file, "__metadata__ value of '" + m.getKey() + "' is not a string");
          }
          meta.put(m.getKey(), m.getValue().getAsString());
        }
        continue;
      }
      if (!e.getValue().isJsonObject()) {
        throw bad(file, "entry '" + name + "' is not an object");
      }
      JsonObject t = e.getValue().getAsJsonObject();
      String dtypeName = t.has("dtype") && t.get("dtype").isJsonPrimitive() ? t.get("dtype").getAsString() : null;
      if (dtypeName == null) {
        throw bad(file, "tensor '" + name + "' has no dtype");
      }
      TensorDType dtype = TensorDType.fromName(dtypeName);
      if (dtype == null) {
        throw bad(file, "tensor '" + name + "' has unsupported dtype " + dtypeName);
      }
      long[] shape = longs(file, name, t, "shape", -1);
      long[] offs = longs(file, name, t, "data_offsets", 2);
      long count = 1;
      for (long d : shape) {
        if (d < 0) {
          throw bad(file, "tensor '" + name + "' has a negative dimension");
        }
        count = Math.multiplyExact(count, d);
      }
      long expected = count * dtype.bytes();
      if (offs[0] < 0 || offs[1] < offs[0] || offs[1] > dataLen) {
        throw bad(file, "tensor '" + name + "' has data_offsets [" + offs[0] + ", " + offs[1]
            + "] outside the data region of " + dataLen + " bytes (truncated file?)");
      }
      if (offs[1] - offs[0] != expected) {
        throw bad(file, "tensor '" + name + "' (" + dtypeName + " " + new Shape(shape) + ") needs " + expected
            + " bytes but data_offsets span " + (offs[1] - offs[0]));
      }
      out.put(name, new TensorInfo(name, dtype, new Shape(shape), file, dataStart + offs[0], expected));
    }
    // overlapping regions mean a corrupt header
    List<TensorInfo> sorted = new ArrayList<>(out.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::offset));
    for (int i = 1; i < sorted.size(); i++) {
      TensorInfo a = sorted.get(i - 1);
      TensorInfo b = sorted.get(i);
      if (a.offset() + a.length() > b.offset() && b.length() > 0) {
        throw bad(file, "tensors '" + a.name() + "' and '" + b.name() + "' overlap");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static long[] longs(Path file, String name, JsonObject t, String key, int expectLen) {
    if (!t.has(key) || !t.get(key).isJsonArray()) {
      throw bad(file, "tensor '" + name + "' has no " + key + " array");
    }
    JsonArray a = t.getAsJsonArray(key);
    if (expectLen >= 0 && a.size() != expectLen) {
      throw bad(file, "tensor '" + name + "' " + key + " must have " + expectLen + " entries");
    }
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = a.get(i).getAsLong();
      } catch (RuntimeException e) {
        throw bad(file, "tensor '" + name + "' " + key + " holds a non-integer");
      }
    }
    return out;
  }

  private static CheckpointException bad(Path file, String what) {
    return new CheckpointException("invalid safetensors file " + file + ": " + what);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing useful to do
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public Set<String> names() {
    return tensors.keySet();
  }

  @Override
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException("tensor '" + name + "' is not in " + file);
    }
    return t;
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String describe() {
    return file.toString();
  }

  @Override
  public NDArray load(String name, NDManager manager, DataType type) {
    TensorInfo t = info(name);
    DataType target = type == null ? t.dtype().djl() : type;
    if (target == DataType.BFLOAT16) {
      // DJL 0.36's PyTorch JNI has no bfloat16 (the native side aborts), so bf16 is widened on load
      target = type == null ? DataType.FLOAT32 : unsupportedBf16(name);
    }
    // bf16 is widened in Java through a scratch buffer: keep those chunks small
    long limit = t.dtype() == TensorDType.BF16 ? Math.min(maxMapBytes, BF16_CHUNK_BYTES) : maxMapBytes;
    try {
      if (t.length() <= limit || t.shape().dimension() < 1) {
        return loadRegion(t.offset(), t.length(), t.shape(), t.dtype(), manager, target);
      }
      // big tensor: map and convert row blocks, then concatenate (transiently 2x this one tensor)
      long rows = t.shape().get(0);
      long rowBytes = t.length() / rows;
      if (rowBytes > limit) {
        throw new CheckpointException("tensor '" + name + "' in " + file + " has rows of " + rowBytes
            + " bytes, too large to map");
      }
      long perChunk = Math.max(1, limit / rowBytes);
      NDList parts = new NDList();
      try {
        for (long r = 0; r < rows; r += perChunk) {
          long n = Math.min(perChunk, rows - r);
          long[] dims = t.shape().getShape().clone();
          dims[0] = n;
          parts.add(loadRegion(t.offset() + r * rowBytes, n * rowBytes, new Shape(dims), t.dtype(), manager, target));
        }
        NDArray out = NDArrays.concat(parts, 0);
        out.attach(manager);
        NDScope.unregister(out);
        return out;
      } finally {
        parts.close();
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot read tensor '" + name + "' from " + file + ": " + e.getMessage(), e);
    }
  }

  private DataType unsupportedBf16(String name) {
    throw new CheckpointException("cannot load '" + name + "' from " + file
        + " as bfloat16: DJL's PyTorch engine has no bfloat16 tensors; load as FLOAT32 or FLOAT16");
  }

  private static final long BF16_CHUNK_BYTES = 16L << 20;
  private ByteBuffer scratch;

  private NDArray loadRegion(long offset, long bytes, Shape shape, TensorDType dtype, NDManager manager,
      DataType target) throws IOException {
    if (bytes == 0) {
      NDArray z = manager.zeros(shape, target);
      NDScope.unregister(z);
      return z;
    }
    // a private (copy-on-write) mapping: arrays may alias it, and writes to them never reach the file
    MappedByteBuffer buf = channel.map(privateMaps ? FileChannel.MapMode.PRIVATE : FileChannel.MapMode.READ_ONLY,
        offset, bytes);
    buf.order(ByteOrder.LITTLE_ENDIAN);
    try (NDManager tmp = manager.newSubManager()) {
      NDArray raw;
      DataType rawType;
      if (dtype == TensorDType.BF16) {
        synchronized (this) {
          raw = tmp.create(widenBf16(buf, (int) (bytes / 2)), shape, DataType.FLOAT32);
          rawType = DataType.FLOAT32;
          NDArray out = own(raw, rawType, target, manager);
          return out;
        }
      }
      // zero-copy view of the mapping (copied when the manager is on a GPU)
      raw = tmp.create(buf, shape, dtype.djl());
      rawType = dtype.djl();
      if (target == rawType && ai.djl.Device.cpu().equals(raw.getDevice()) && zeroCopy && privateMaps) {
        // the array keeps the mapping alive; its pages are read from the page cache on first use,
        // so loading costs no copy and no anonymous memory (as llama.cpp and Jlama do)
        raw.attach(manager);
        NDScope.unregister(raw);
        return raw;
      }
      return own(raw, rawType, target, manager);
    } finally {
      Reference.reachabilityFence(buf);
    }
  }

  /** An owned copy of {@code raw} in the target dtype, so nothing aliases the mapping or scratch. */
  private static NDArray own(NDArray raw, DataType rawType, DataType target, NDManager manager) {
    NDArray out = target == rawType ? raw.duplicate() : raw.toType(target, true);
    if (out == raw) {
      out = raw.duplicate();
    }
    out.attach(manager);
    NDScope.unregister(out); // weights outlive any scope the caller runs in
    return out;
  }

  /** bf16 is the top half of an IEEE float32: widening is a 16-bit shift. */
  private ByteBuffer widenBf16(ByteBuffer src, int count) {
    int need = count * 4;
    if (scratch == null || scratch.capacity() < need) {
      scratch = ByteBuffer.allocateDirect(Math.max(need, 1024)).order(ByteOrder.nativeOrder());
    }
    ByteBuffer out = scratch.duplicate().order(ByteOrder.nativeOrder());
    out.clear().limit(need);
    java.nio.ShortBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    java.nio.IntBuffer dst = out.asIntBuffer();
    short[] block = new short[8192];
    int[] wide = new int[8192];
    for (int done = 0; done < count; ) {
      int n = Math.min(block.length, count - done);
      in.get(block, 0, n);
      for (int i = 0; i < n; i++) {
        wide[i] = (block[i] & 0xFFFF) << 16;
      }
      dst.put(wide, 0, n);
      done += n;
    }
    return out;
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }
}
