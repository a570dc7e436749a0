package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors in the safetensors layout (8-byte little-endian header length, JSON header with
 * dtype/shape/data_offsets, raw little-endian data), so checkpoints are readable by the Hugging Face
 * tooling. Deliberately small: whole-file read, F32/F64/F16/BF16/I64/I32/I8/U8/BOOL.
 *
 * <p>TODO(merge): the llm branch's {@code org.scribe3d.checkpoint.Safetensors} (memory-mapped,
 * sharded) replaces this once it is on main; the file format is the same, so runs stay readable.
 */
final class TensorFiles {
  private TensorFiles() {}

  static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
    JsonObject header = new JsonObject();
    if (metadata != null && !metadata.isEmpty()) {
      JsonObject meta = new JsonObject();
      metadata.forEach(meta::addProperty);
      header.add("__metadata__", meta);
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    long offset = 0;
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      NDArray a = e.getValue();
      ByteBuffer bb = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      byte[] bytes = new byte[bb.remaining()];
      bb.get(bytes);
      JsonObject t = new JsonObject();
      t.addProperty("dtype", code(a.getDataType(), e.getKey()));
      JsonArray shape = new JsonArray();
      for (long d : a.getShape().getShape()) {
        shape.add(d);
      }
      t.add("shape", shape);
      JsonArray offs = new JsonArray();
      offs.add(offset);
      offs.add(offset + bytes.length);
      t.add("data_offsets", offs);
      header.add(e.getKey(), t);
      data.put(e.getKey(), bytes);
      offset += bytes.length;
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    int pad = (8 - h.length % 8) % 8; // keep the data 8-byte aligned, padded with spaces as allowed
    byte[] hp = new byte[h.length + pad];
    System.arraycopy(h, 0, hp, 0, h.length);
    for (int i = h.length; i < hp.length; i++) {
      hp[i] = ' ';
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hp.length);
      out.write(len.array());
      out.write(hp);
      for (byte[] b : data.values()) {
        out.write(b);
      }
    }
  }

  /** Reads every tensor into {@code manager} (insertion order = file header order). */
  static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long hlen = lenBuf.getLong(0);
      if (hlen <= 0 || hlen > size - 8 || hlen > 100_000_000) {
        throw new IOException(file + ": not a safetensors file (header length " + hlen + ")");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) hlen);
      readFully(ch, hb, 8, file);
      JsonObject header;
      try {
        header = new Gson().fromJson(new String(hb.array(), StandardCharsets.UTF_8), JsonObject.class);
      } catch (RuntimeException e) {
        throw new IOException(file + ": bad safetensors header: " + e.getMessage());
      }
      Map<String, NDArray> out = new LinkedHashMap<>();
      long base = 8 + hlen;
      for (Map.Entry<String, JsonElement> e : header.entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        JsonObject t = e.getValue().getAsJsonObject();
        DataType dt = type(t.get("dtype").getAsString(), file);
        JsonArray sh = t.getAsJsonArray("shape");
        long[] dims = new long[sh.size()];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = sh.get(i).getAsLong();
        }
        JsonArray offs = t.getAsJsonArray("data_offsets");
        long start = offs.get(0).getAsLong();
        long end = offs.get(1).getAsLong();
        Shape shape = new Shape(dims);
        if (end - start != shape.size() * dt.getNumOfBytes() || base + end > size) {
          throw new IOException(file + ": tensor " + e.getKey() + " has inconsistent offsets");
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) (end - start)).order(ByteOrder.nativeOrder());
        readFully(ch, buf, base + start, file);
        buf.rewind();
        out.put(e.getKey(), manager.create(buf, shape, dt));
      }
      return out;
    }
  }

  static Map<String, String> metadata(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      ByteBuffer hb = ByteBuffer.allocate((int) lenBuf.getLong(0));
      readFully(ch, hb, 8, file);
      JsonObject header = new Gson().fromJson(new String(hb.array(), StandardCharsets.UTF_8), JsonObject.class);
      Map<String, String> out = new LinkedHashMap<>();
      if (header.has("__metadata__")) {
        header.getAsJsonObject("__metadata__").entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
      }
      return out;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException(file + ": truncated");
      }
      pos += n;
    }
  }

  private static String code(DataType t, String name) {
    switch (t) {
      case FLOAT32: return "F32";
      case FLOAT64: return "F64";
      case FLOAT16: return "F16";
      case BFLOAT16: return "BF16";
      case INT64: return "I64";
      case INT32: return "I32";
      case INT8: return "I8";
      case UINT8: return "U8";
      case BOOLEAN: return "BOOL";
      default: throw new IllegalArgumentException("cannot store tensor " + name + " of type " + t);
    }
  }

  private static DataType type(String code, Path file) throws IOException {
    switch (code) {
      case "F32": return DataType.FLOAT32;
      case "F64": return DataType.FLOAT64;
      case "F16": return DataType.FLOAT16;
      case "BF16": return DataType.BFLOAT16;
      case "I64": return DataType.INT64;
      case "I32": return DataType.INT32;
      case "I8": return DataType.INT8;
      case "U8": return DataType.UINT8;
      case "BOOL": return DataType.BOOLEAN;
      default: throw new IOException(file + ": unsupported dtype " + code);
    }
  }
}
