package org.scribe3d.data;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.scribe3d.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-disk cache of preprocessed volumes. An entry is keyed by (absolute image path, file size, mtime,
 * hash of the preprocessing configuration): a changed file or a changed pipeline config gives a
 * different key, so stale entries are never read; {@link #prune()} deletes entries made with another
 * config. Each entry is {@code <key>.f32} (raw float32 little-endian) plus {@code <key>.json} (the
 * key fields and the element count), both written to temp files and renamed; the JSON is renamed
 * last, so an entry without it is incomplete and ignored.
 *
 * <p>Augmentation is NOT cached: it is applied after {@link #get} with the sample's own random
 * source.
 */
public final class VolumeCache {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeCache.class);

  /** The preprocessing pipeline seen by the cache: image file → preprocessed voxels. */
  @FunctionalInterface
  public interface Preprocessor {
    float[] apply(Path image) throws IOException;
  }

  private final Path dir;
  private final String configHash;
  private final Preprocessor preprocessor;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /**
   * @param dir cache directory (created)
   * @param pipelineConfig the canonical text of the preprocessing configuration (e.g. its JSON); its
   *     SHA-256 goes into every key
   */
  public VolumeCache(Path dir, String pipelineConfig, Preprocessor preprocessor) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.configHash = sha256(pipelineConfig).substring(0, 16);
    this.preprocessor = preprocessor;
  }

  public String configHash() {
    return configHash;
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  /** The preprocessed voxels of {@code image}, from the cache or computed and stored. */
  public float[] get(Path image) throws IOException {
    Path abs = image.toAbsolutePath().normalize();
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(abs, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new IOException("cannot read image " + image + ": " + e.getMessage(), e);
    }
    long size = attrs.size();
    long mtime = attrs.lastModifiedTime().toMillis();
    String key = sha256(abs + "\n" + size + "\n" + mtime + "\n" + configHash).substring(0, 32);
    Path meta = dir.resolve(key + ".json");
    Path data = dir.resolve(key + ".f32");
    if (Files.isRegularFile(meta) && Files.isRegularFile(data)) {
      try {
        JsonObject m = new Gson().fromJson(Files.readString(meta), JsonObject.class);
        long count = m.get("count").getAsLong();
        if (m.get("image").getAsString().equals(abs.toString()) && m.get("size").getAsLong() == size
            && m.get("mtime").getAsLong() == mtime && m.get("config").getAsString().equals(configHash)
            && Files.size(data) == count * 4) {
          float[] v = readFloats(data, (int) count);
          hits.incrementAndGet();
          return v;
        }
      } catch (RuntimeException | IOException e) {
        LOG.warn("ignoring unreadable cache entry {}: {}", meta, e.toString());
      }
    }
    misses.incrementAndGet();
    float[] v = preprocessor.apply(abs);
    write(data, meta, v, abs, size, mtime);
    return v;
  }

  private void write(Path data, Path meta, float[] v, Path image, long size, long mtime) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(v);
    AtomicFiles.writeChannel(data, ch -> {
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
    });
    JsonObject m = new JsonObject();
    m.addProperty("image", image.toString());
    m.addProperty("size", size);
    m.addProperty("mtime", mtime);
    m.addProperty("config", configHash);
    m.addProperty("count", v.length);
    m.addProperty("format", "float32-le");
    AtomicFiles.writeString(meta, m.toString());
  }

  /** Deletes entries written with another pipeline config and leftover temp files; returns the count. */
  public int prune() throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) { // entries are named by their hex key: a hidden file is an unfinished write
          Files.deleteIfExists(p);
          continue;
        }
        if (!name.endsWith(".json")) {
          continue;
        }
        String config;
        try {
          config = new Gson().fromJson(Files.readString(p), JsonObject.class).get("config").getAsString();
        } catch (RuntimeException e) {
          config = null;
        }
        if (!configHash.equals(config)) {
          Files.deleteIfExists(p); // the JSON first: without it the data file is never read
          Files.deleteIfExists(dir.resolve(name.substring(0, name.length() - 5) + ".f32"));
          removed++;
        }
      }
    }
    return removed;
  }

  static float[] readFloats(Path file, int count) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (bb.hasRemaining()) {
        if (ch.read(bb) < 0) {
          throw new IOException(file + ": truncated");
        }
      }
    }
    bb.flip();
    float[] v = new float[count];
    bb.asFloatBuffer().get(v);
    return v;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
