package org.scribe3d.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.scribe3d.io.AtomicFiles;

/**
 * Reading and writing safetensors checkpoints (single files and Hugging Face sharded directories).
 *
 * <p>Reading is lazy and memory-mapped ({@link TensorSource}); writing goes to a temporary file in the
 * target directory which is then renamed over the target, so a crash never leaves a half-written file.
 */
public final class Safetensors {
  public static final String INDEX_FILE = "model.safetensors.index.json";
  public static final String SINGLE_FILE = "model.safetensors";
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private Safetensors() {}

  /**
   * Opens a checkpoint: a .safetensors file, or a directory holding {@value #INDEX_FILE} (shards),
   * {@value #SINGLE_FILE}, or otherwise all its *.safetensors files.
   */
  public static TensorSource open(Path path) {
    if (Files.isRegularFile(path)) {
      return SafetensorsFile.open(path);
    }
    if (!Files.isDirectory(path)) {
      throw new CheckpointException("no such checkpoint file or directory: " + path);
    }
    Path index = path.resolve(INDEX_FILE);
    if (Files.isRegularFile(index)) {
      return openIndex(index);
    }
    Path single = path.resolve(SINGLE_FILE);
    if (Files.isRegularFile(single)) {
      return SafetensorsFile.open(single);
    }
    List<Path> all = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(path, "*.safetensors")) {
      ds.forEach(all::add);
    } catch (IOException e) {
      throw new CheckpointException("cannot list " + path + ": " + e.getMessage(), e);
    }
    if (all.isEmpty()) {
      throw new CheckpointException("no .safetensors files in " + path);
    }
    all.sort(null);
    return openAll(path.toString(), all, Map.of());
  }

  /** Opens a sharded checkpoint through its index JSON ({"metadata": {...}, "weight_map": {name: file}}). */
  public static ShardedSafetensors openIndex(Path index) {
    JsonObject root;
    try {
      JsonElement el = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
      if (!el.isJsonObject()) {
        throw new CheckpointException("invalid index " + index + ": not a JSON object");
      }
      root = el.getAsJsonObject();
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + index + ": " + e.getMessage(), e);
    } catch (JsonParseException e) {
      throw new CheckpointException("invalid index " + index + ": " + e.getMessage(), e);
    }
    if (!root.has("weight_map") || !root.get("weight_map").isJsonObject()) {
      throw new CheckpointException("invalid index " + index + ": no weight_map object");
    }
    Map<String, String> weightMap = new LinkedHashMap<>();
    Set<String> shardNames = new LinkedHashSet<>();
    for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("weight_map").entrySet()) {
      if (!e.getValue().isJsonPrimitive()) {
        throw new CheckpointException("invalid index " + index + ": weight_map entry " + e.getKey() + " is not a file name");
      }
      String shard = e.getValue().getAsString();
      if (shard.contains("/") || shard.contains("\\")) {
        throw new CheckpointException("invalid index " + index + ": shard name " + shard + " is not a plain file name");
      }
      weightMap.put(e.getKey(), shard);
      shardNames.add(shard);
    }
    Path dir = index.toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>();
    for (String s : shardNames) {
      Path f = dir.resolve(s);
      if (!Files.isRegularFile(f)) {
        throw new CheckpointException("shard " + f + " listed in " + index + " does not exist");
      }
      files.add(f);
    }
    Map<String, String> meta = new LinkedHashMap<>();
    if (root.has("metadata") && root.get("metadata").isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("metadata").entrySet()) {
        if (e.getValue().isJsonPrimitive()) {
          meta.put(e.getKey(), e.getValue().getAsString());
        }
      }
    }
    ShardedSafetensors src = openAll(index.toString(), files, meta);
    for (Map.Entry<String, String> e : weightMap.entrySet()) {
      if (!src.contains(e.getKey()) || !src.info(e.getKey()).file().getFileName().toString().equals(e.getValue())) {
        src.close();
        throw new CheckpointException("index " + index + " puts tensor '" + e.getKey() + "' in " + e.getValue()
            + " but that shard does not hold it");
      }
    }
    return src;
  }

  private static ShardedSafetensors openAll(String description, List<Path> files, Map<String, String> meta) {
    List<SafetensorsFile> opened = new ArrayList<>();
    try {
      for (Path f : files) {
        opened.add(SafetensorsFile.open(f));
      }
      return new ShardedSafetensors(description, opened, meta);
    } catch (RuntimeException e) {
      opened.forEach(SafetensorsFile::close);
      throw e;
    }
  }

  /** The shape and stored dtype of a tensor to write: all the header needs, known before the tensor exists. */
  public record Spec(Shape shape, TensorDType dtype) {
    public long bytes() {
      return shape.size() * dtype.bytes();
    }
  }

  /**
   * Makes the named tensor when it is about to be written, handing it to {@code rows} whole or as consecutive
   * blocks of rows (arrays of the tensor's shape but for the first dimension); the producer closes what it made.
   */
  @FunctionalInterface
  public interface Producer {
    void make(String name, AtomicFiles.IOConsumer<NDArray> rows) throws IOException;
  }

  /** Writes tensors (in map order) to one file atomically, in their own dtypes, with optional metadata. */
  public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
    write(file, tensors, metadata, null);
  }

  /**
   * Writes tensors (in map order) to one file atomically, with optional string metadata.
   *
   * @param floatsAs dtype to store floating-point tensors in (F32, F16 or BF16; null = their own).
   *     BF16 is produced here (round to nearest even) because DJL's PyTorch engine has no bfloat16.
   */
  public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
      TensorDType floatsAs) {
    write(file, specs(tensors, floatsAs), (name, rows) -> rows.accept(tensors.get(name)), metadata);
  }

  private static Map<String, Spec> specs(Map<String, NDArray> tensors, TensorDType floatsAs) {
    if (floatsAs != null && floatsAs != TensorDType.F32 && floatsAs != TensorDType.F16
        && floatsAs != TensorDType.BF16 && floatsAs != TensorDType.F64) {
      throw new IllegalArgumentException("floatsAs must be a floating-point dtype, not " + floatsAs);
    }
    Map<String, Spec> specs = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      NDArray a = e.getValue();
      TensorDType dt = floatsAs != null && a.getDataType().isFloating() ? floatsAs : TensorDType.of(a.getDataType());
      specs.put(e.getKey(), new Spec(a.getShape(), dt));
    }
    return specs;
  }

  /**
   * Writes tensors made as they are written to one file atomically: the header comes from {@code specs} (in map
   * order); then {@code producer} makes each tensor (whole or in blocks of rows), and each block is written in the
   * spec's dtype (converted as by {@link #write(Path, Map, Map, TensorDType)}) before the next is made.
   */
  public static void write(Path file, Map<String, Spec> specs, Producer producer, Map<String, String> metadata) {
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put("__metadata__", new TreeMap<>(metadata));
    }
    long offset = 0;
    for (Map.Entry<String, Spec> e : specs.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
      }
      long bytes = e.getValue().bytes();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", e.getValue().dtype().name());
      entry.put("shape", e.getValue().shape().getShape());
      entry.put("data_offsets", new long[] {offset, offset + bytes});
      header.put(e.getKey(), entry);
      offset += bytes;
    }
    byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to 8 bytes
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    atomicWrite(file, ch -> {
      writeFully(ch, head);
      for (Map.Entry<String, Spec> e : specs.entrySet()) {
        Shape shape = e.getValue().shape();
        long[] done = {0};
        producer.make(e.getKey(), rows -> {
          // the header already promised the spec's shape
          Shape got = rows.getShape();
          boolean fits = shape.dimension() == 0 ? got.equals(shape) : got.dimension() == shape.dimension()
              && got.slice(1).equals(shape.slice(1)) && done[0] + got.size() <= shape.size();
          if (!fits) {
            throw new IllegalStateException("tensor '" + e.getKey() + "' of shape " + shape
                + " was given rows of shape " + got + " after " + done[0] + " values");
          }
          writeTensor(ch, rows, e.getValue().dtype());
          done[0] += got.size();
        });
        if (done[0] != shape.size()) {
          throw new IllegalStateException("tensor '" + e.getKey() + "' of shape " + shape + " was given " + done[0]
              + " values, not " + shape.size());
        }
      }
    });
  }

  /**
   * Writes a Hugging Face sharded checkpoint: model-0000i-of-0000n.safetensors files of at most
   * about {@code maxShardBytes} each, plus {@value #INDEX_FILE} (written last).
   */
  public static void writeSharded(Path dir, Map<String, NDArray> tensors, long maxShardBytes,
      Map<String, String> metadata) {
    writeSharded(dir, tensors, maxShardBytes, metadata, null);
  }

  /** As {@link #writeSharded(Path, Map, long, Map)}, storing floating tensors as {@code floatsAs}. */
  public static void writeSharded(Path dir, Map<String, NDArray> tensors, long maxShardBytes,
      Map<String, String> metadata, TensorDType floatsAs) {
    writeSharded(dir, specs(tensors, floatsAs), (name, rows) -> rows.accept(tensors.get(name)), maxShardBytes,
        metadata);
  }

  /**
   * As {@link #writeSharded(Path, Map, long, Map)}, the tensors made one at a time as by
   * {@link #write(Path, Map, Producer, Map)}.
   */
  public static void writeSharded(Path dir, Map<String, Spec> specs, Producer producer, long maxShardBytes,
      Map<String, String> metadata) {
    List<Map<String, Spec>> shards = new ArrayList<>();
    Map<String, Spec> cur = new LinkedHashMap<>();
    long curBytes = 0;
    long total = 0;
    for (Map.Entry<String, Spec> e : specs.entrySet()) {
      long b = e.getValue().bytes();
      if (!cur.isEmpty() && curBytes + b > maxShardBytes) {
        shards.add(cur);
        cur = new LinkedHashMap<>();
        curBytes = 0;
      }
      cur.put(e.getKey(), e.getValue());
      curBytes += b;
      total += b;
    }
    if (!cur.isEmpty()) {
      shards.add(cur);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    JsonObject weightMap = new JsonObject();
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
      write(dir.resolve(name), shards.get(i), producer, metadata);
      for (String t : shards.get(i).keySet()) {
        weightMap.addProperty(t, name);
      }
    }
    JsonObject root = new JsonObject();
    JsonObject meta = new JsonObject();
    meta.addProperty("total_size", total);
    root.add("metadata", meta);
    root.add("weight_map", weightMap);
    byte[] json = new GsonBuilder().setPrettyPrinting().create().toJson(root).getBytes(StandardCharsets.UTF_8);
    atomicWrite(dir.resolve(INDEX_FILE), ch -> writeFully(ch, ByteBuffer.wrap(json)));
  }

  private static void writeTensor(FileChannel ch, NDArray a, TensorDType as) throws IOException {
    long bytes = a.getShape().size() * as.bytes();
    if (bytes == 0) {
      return;
    }
    long rows = a.getShape().dimension() < 1 ? 1 : a.getShape().get(0);
    long limit = as == TensorDType.BF16 ? Math.min(SafetensorsFile.maxMapBytes, 16L << 20) : SafetensorsFile.maxMapBytes;
    long perChunk = a.getShape().dimension() < 1 ? 1 : Math.max(1, limit / (bytes / rows));
    for (long r = 0; r < rows; r += perChunk) {
      boolean whole = perChunk >= rows;
      NDArray part = whole ? a : a.get(new NDIndex("{}:{}", r, Math.min(rows, r + perChunk)));
      // a chunk on the CPU in the stored dtype (bf16 is made from float32 below)
      DataType want = as == TensorDType.BF16 ? DataType.FLOAT32 : as.djl();
      NDArray cpu = part.getDevice().equals(Device.cpu()) ? part : part.toDevice(Device.cpu(), true);
      NDArray typed = cpu.getDataType() == want ? cpu : cpu.toType(want, true);
      try {
        ByteBuffer b = typed.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
        writeFully(ch, as == TensorDType.BF16 ? toBf16(b) : b);
      } finally {
        if (typed != cpu) {
          typed.close();
        }
        if (cpu != part) {
          cpu.close();
        }
        if (part != a) {
          part.close();
        }
      }
    }
  }

  /** float32 → bfloat16 with round-to-nearest-even (as torch does); NaN stays NaN. */
  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  private static ByteBuffer toBf16(ByteBuffer floats) {
    java.nio.FloatBuffer in = floats.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    ByteBuffer out = ByteBuffer.allocate(in.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
    while (in.hasRemaining()) {
      out.putShort(toBf16(in.get()));
    }
    return out.flip();
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** {@link AtomicFiles#writeChannel}, a failure reported as a {@link CheckpointException} naming the file. */
  static void atomicWrite(Path target, AtomicFiles.IOConsumer<FileChannel> body) {
    try {
      AtomicFiles.writeChannel(target, body);
    } catch (IOException e) {
      throw new CheckpointException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
