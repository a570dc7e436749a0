package org.scribe3d.nifti;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads single-file NIfTI-1 and NIfTI-2 images ({@code .nii} or gzip-compressed, detected by
 * content, not by name), either byte order.
 *
 * <p>Voxel data are read once, in chunks, from the (decompressing) stream straight into the float
 * array: no byte array of the whole file and no second full copy. For large images one thread
 * inflates while the calling thread converts, so the two cores overlap. Before anything large is
 * allocated the header's claims are checked against the file: its size for uncompressed files; for
 * gzip the deflate ratio bound (1032:1), then the gzip trailer's ISIZE as a hint, and when the hint
 * cannot confirm the size (multi-member gzip, &gt; 4 GiB, or a lying trailer) a counting pass.
 * Every failure is a {@link NiftiException} whose message names the file.
 */
public final class NiftiReader {
  /** Deflate cannot expand by more than about 1032:1. */
  private static final long MAX_DEFLATE_RATIO = 1032;
  private static final int CHUNK = 4 << 20;
  /** Below this many bytes of voxel data the reader stays on one thread. */
  private static final long ASYNC_THRESHOLD = 8L << 20;
  /** Allocations above this are confirmed against the actual data before they are made. */
  static long verifyThreshold = 64L << 20; // lowered by tests
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private NiftiReader() {}

  /** Receives decoded voxel values in file order. */
  @FunctionalInterface
  public interface ChunkSink {
    void accept(float[] values, int count) throws IOException;
  }

  /** Reads and validates the header only. */
  public static NiftiHeader readHeader(Path path) throws IOException {
    try (Source src = Source.open(path)) {
      return src.readHeader();
    }
  }

  /** Reads a 3D image, or the first frame of a 4D image. */
  public static NiftiImage read(Path path) throws IOException {
    return read(path, 0);
  }

  /** Reads one 3D frame (0-based) of an image with any number of dimensions. */
  public static NiftiImage read(Path path, int frame) throws IOException {
    try (Source src = Source.open(path)) {
      NiftiHeader h = src.readHeader();
      if (frame < 0 || frame >= h.frames()) {
        throw new NiftiException(src.name, "frame " + frame + " out of range: the image has "
            + h.frames() + " frame" + (h.frames() == 1 ? "" : "s"));
      }
      long nvox = h.voxelsPerFrame();
      long frameStart = h.voxOffset() + frame * h.frameBytes();
      long frameEnd = frameStart + h.frameBytes();
      // first the file's own evidence (size, gzip bounds), then the limits of this JVM
      src.checkPlausible(h, frameEnd, nvox * 4L > verifyThreshold);
      if (nvox > MAX_ARRAY) {
        throw new NiftiException(src.name, "image too large: " + nvox
            + " voxels per frame exceeds the Java array limit of " + MAX_ARRAY);
      }
      checkHeap(src.name, nvox * 4L);
      int[] s = h.spatialShape();
      float[] voxels = new float[(int) nvox];
      src.skipTo(frameStart, h);
      VoxelDecoder dec = new VoxelDecoder(h.datatype(), h.byteOrder(), h.slope(), h.inter());
      int bpv = dec.bytesPerVoxel();
      int[] filled = {0};
      src.stream(h, h.frameBytes(), (buf, len) -> {
        int n = len / bpv;
        dec.decode(buf, 0, n, voxels, filled[0]);
        filled[0] += n;
      });
      if (frame == h.frames() - 1) {
        src.drain(); // reaches the gzip trailer, so its CRC is checked
      }
      return new NiftiImage(h, frame, voxels, s[0], s[1], s[2]);
    }
  }

  /** Streams every voxel (all frames, file order) through sink in chunks; returns the header. */
  public static NiftiHeader scan(Path path, ChunkSink sink) throws IOException {
    try (Source src = Source.open(path)) {
      NiftiHeader h = src.readHeader();
      src.checkPlausible(h, h.voxOffset() + h.dataBytes(), false);
      src.skipTo(h.voxOffset(), h);
      VoxelDecoder dec = new VoxelDecoder(h.datatype(), h.byteOrder(), h.slope(), h.inter());
      int bpv = dec.bytesPerVoxel();
      float[] out = new float[CHUNK / bpv];
      src.stream(h, h.dataBytes(), (buf, len) -> {
        int n = len / bpv;
        dec.decode(buf, 0, n, out, 0);
        sink.accept(out, n);
      });
      src.drain();
      return h;
    }
  }

  private static void checkHeap(String name, long bytes) throws NiftiException {
    Runtime rt = Runtime.getRuntime();
    long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (bytes > available) {
      throw new NiftiException(name, String.format(
          "needs %d MB for the voxels but only about %d MB of Java heap is free "
              + "(raise -Xmx, e.g. via SCRIBE3D_JAVA_OPTS)", bytes >> 20, available >> 20));
    }
  }

  private interface RawChunkHandler {
    void handle(byte[] buf, int len) throws IOException;
  }

  /** An open file: raw or gzip stream, with a count of the (uncompressed) bytes consumed. */
  private static final class Source implements AutoCloseable {
    final Path path;
    final String name;
    final long size;
    final boolean gzip;
    final long isize; // gzip trailer: uncompressed size of the last member, mod 2^32
    InputStream in;
    long pos;

    private Source(Path path, String name, long size, boolean gzip, long isize) {
      this.path = path;
      this.name = name;
      this.size = size;
      this.gzip = gzip;
      this.isize = isize;
    }

    static Source open(Path path) throws IOException {
      String name = path.toString();
      if (Files.isDirectory(path)) {
        throw new NiftiException(name, "is a directory, not a NIfTI file");
      }
      if (!Files.exists(path)) {
        throw new NiftiException(name, "no such file");
      }
      if (!Files.isReadable(path)) {
        throw new NiftiException(name, "permission denied");
      }
      long size = Files.size(path);
      if (size == 0) {
        throw new NiftiException(name, "empty file (0 bytes)");
      }
      boolean gzip = false;
      long isize = -1;
      try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "r")) {
        int b0 = raf.read();
        int b1 = raf.read();
        gzip = b0 == 0x1f && b1 == 0x8b;
        if (gzip && size >= 18) {
          raf.seek(size - 4);
          byte[] t = new byte[4];
          raf.readFully(t);
          isize = (t[0] & 0xffL) | (t[1] & 0xffL) << 8 | (t[2] & 0xffL) << 16 | (t[3] & 0xffL) << 24;
        }
      }
      Source s = new Source(path, name, size, gzip, isize);
      s.in = s.openStream();
      return s;
    }

    InputStream openStream() throws IOException {
      InputStream raw = Files.newInputStream(path);
      try {
        return gzip ? new GZIPInputStream(raw, 1 << 16) : new BufferedInputStream(raw, 1 << 16);
      } catch (ZipException | EOFException e) {
        raw.close();
        throw new NiftiException(name, "corrupt gzip data: " + e.getMessage());
      }
    }

    /** Reads up to len bytes (fewer only at the end of the data); gzip errors become NiftiExceptions. */
    int read(byte[] buf, int off, int len, String what) throws IOException {
      int done = 0;
      try {
        while (done < len) {
          int n = in.read(buf, off + done, len - done);
          if (n < 0) {
            break;
          }
          done += n;
          pos += n;
        }
        return done;
      } catch (ZipException e) {
        throw new NiftiException(name, "corrupt gzip data while reading " + what + " (" + e.getMessage() + ")");
      } catch (EOFException e) {
        // GZIPInputStream: "Unexpected end of ZLIB input stream": the compressed data stop early
        throw new TruncatedGzip(pos);
      }
    }

    NiftiHeader readHeader() throws IOException {
      byte[] first = new byte[4];
      int n = readOrTruncated(first, 0, 4, "header");
      if (n < 4) {
        throw new NiftiException(name, "truncated header: " + n + " bytes, a NIfTI header needs 348");
      }
      int hsize = NiftiHeader.sizeAndOrder(first, name)[0];
      byte[] all = new byte[hsize];
      System.arraycopy(first, 0, all, 0, 4);
      n = readOrTruncated(all, 4, hsize - 4, "header");
      if (n < hsize - 4) {
        throw new NiftiException(name, "truncated header: " + (n + 4) + " bytes, a NIfTI-"
            + (hsize == NiftiHeader.NIFTI1_SIZE ? 1 : 2) + " header needs " + hsize);
      }
      return NiftiHeader.parse(all, name);
    }

    private int readOrTruncated(byte[] buf, int off, int len, String what) throws IOException {
      try {
        return read(buf, off, len, what);
      } catch (TruncatedGzip t) {
        throw new NiftiException(name, "truncated header: the gzip stream ends after " + t.got + " bytes");
      }
    }

    /** Rejects headers whose data the file cannot hold, before anything big is allocated. */
    void checkPlausible(NiftiHeader h, long needEnd, boolean verify) throws IOException {
      if (!gzip) {
        if (h.voxOffset() > size) {
          throw new NiftiException(name, "vox_offset " + h.voxOffset() + " is past the end of the file ("
              + size + " bytes)");
        }
        long expected = h.dataBytes();
        long got = size - h.voxOffset();
        if (got < expected) {
          throw new NiftiException(name, "truncated voxel data: expected " + expected + " bytes, got " + got
              + " (shape " + shapeOf(h) + " " + h.datatype().label() + ")");
        }
        return;
      }
      long bound = size * MAX_DEFLATE_RATIO + (1 << 16);
      if (h.voxOffset() > bound) {
        throw new NiftiException(name, "vox_offset " + h.voxOffset() + " is past the end of the data (a "
            + size + "-byte gzip file holds at most " + bound + " bytes uncompressed)");
      }
      if (needEnd > bound || needEnd < 0) {
        throw new NiftiException(name, "implausible dimensions: shape " + shapeOf(h) + " "
            + h.datatype().label() + " needs " + h.dataBytes() + " bytes of voxel data, but a " + size
            + "-byte gzip file can hold at most " + bound);
      }
      boolean trailerConfirms = needEnd <= 0xFFFFFFFFL && isize >= needEnd;
      if (verify && !trailerConfirms) {
        // the trailer cannot vouch for the size (multi-member gzip, > 4 GiB, or it lies): count
        long have = countUncompressed(needEnd);
        if (have < needEnd) {
          throw truncatedOrPastEnd(h, have);
        }
      }
    }

    private long countUncompressed(long limit) throws IOException {
      byte[] scratch = new byte[1 << 16];
      long count = 0;
      try (InputStream s = openStream()) {
        while (count < limit) {
          int n = s.read(scratch, 0, (int) Math.min(scratch.length, limit - count));
          if (n < 0) {
            break;
          }
          count += n;
        }
      } catch (ZipException e) {
        throw new NiftiException(name, "corrupt gzip data (" + e.getMessage() + ")");
      } catch (EOFException e) {
        // truncated compressed stream: count holds what was decompressed
      }
      return count;
    }

    NiftiException truncatedOrPastEnd(NiftiHeader h, long uncompressedHave) {
      if (uncompressedHave < h.voxOffset()) {
        return new NiftiException(name, "vox_offset " + h.voxOffset() + " is past the end of the data ("
            + uncompressedHave + " bytes uncompressed)");
      }
      return new NiftiException(name, "truncated voxel data: expected " + h.dataBytes() + " bytes, got "
          + (uncompressedHave - h.voxOffset()) + " (shape " + shapeOf(h) + " " + h.datatype().label() + ")");
    }

    void skipTo(long target, NiftiHeader h) throws IOException {
      byte[] scratch = new byte[(int) Math.min(1 << 16, Math.max(1, target - pos))];
      while (pos < target) {
        int want = (int) Math.min(scratch.length, target - pos);
        int n;
        try {
          n = read(scratch, 0, want, "data");
        } catch (TruncatedGzip t) {
          throw truncatedOrPastEnd(h, pos);
        }
        if (n < want) {
          throw truncatedOrPastEnd(h, pos);
        }
      }
    }

    /** Reads exactly nbytes in chunks (whole voxels each) and hands them to the handler. */
    void stream(NiftiHeader h, long nbytes, RawChunkHandler handler) throws IOException {
      if (nbytes >= ASYNC_THRESHOLD) {
        streamAsync(h, nbytes, handler);
        return;
      }
      byte[] buf = new byte[(int) Math.min(CHUNK, nbytes)];
      long left = nbytes;
      while (left > 0) {
        int want = (int) Math.min(buf.length, left);
        int n = readChunk(h, buf, want);
        handler.handle(buf, n);
        left -= n;
      }
    }

    private int readChunk(NiftiHeader h, byte[] buf, int want) throws IOException {
      int n;
      try {
        n = read(buf, 0, want, "voxel data");
      } catch (TruncatedGzip t) {
        throw truncatedOrPastEnd(h, pos);
      }
      if (n < want) {
        throw truncatedOrPastEnd(h, pos);
      }
      return n;
    }

    /** One thread inflates/reads, the caller converts: a small pool of buffers circulates. */
    private void streamAsync(NiftiHeader h, long nbytes, RawChunkHandler handler) throws IOException {
      final int pool = 4;
      BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(pool);
      BlockingQueue<Object> full = new ArrayBlockingQueue<>(pool + 1);
      for (int i = 0; i < pool; i++) {
        free.add(new byte[CHUNK]);
      }
      final Object end = new Object();
      Thread producer = new Thread(() -> {
        try {
          long left = nbytes;
          while (left > 0) {
            byte[] buf = free.take();
            int want = (int) Math.min(CHUNK, left);
            int n = readChunk(h, buf, want);
            full.put(new Chunk(buf, n));
            left -= n;
          }
          full.put(end);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Throwable t) {
          full.offer(t);
        }
      }, "nifti-read");
      producer.setDaemon(true);
      producer.start();
      boolean ok = false;
      try {
        while (true) {
          Object o = full.take();
          if (o == end) {
            break;
          }
          if (o instanceof IOException e) {
            throw e;
          }
          if (o instanceof RuntimeException e) {
            throw e;
          }
          if (o instanceof Error e) {
            throw e;
          }
          Chunk c = (Chunk) o;
          handler.handle(c.buf, c.len);
          free.add(c.buf);
        }
        ok = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NiftiException(name, "interrupted while reading");
      } finally {
        if (!ok) {
          producer.interrupt();
        }
        try {
          producer.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Reads to the end of the stream (so GZIPInputStream checks the CRC/ISIZE trailer). */
    void drain() throws IOException {
      if (!gzip) {
        return;
      }
      byte[] scratch = new byte[1 << 16];
      try {
        while (in.read(scratch) >= 0) {
          // discard trailing bytes
        }
      } catch (ZipException e) {
        throw new NiftiException(name, "corrupt gzip data (" + e.getMessage() + ")");
      } catch (EOFException e) {
        throw new NiftiException(name, "corrupt gzip data (compressed stream ends early)");
      }
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }

  private record Chunk(byte[] buf, int len) {}

  /** Internal signal: the compressed stream ended early after {@code got} uncompressed bytes. */
  private static final class TruncatedGzip extends IOException {
    final long got;

    TruncatedGzip(long got) {
      super("truncated gzip stream");
      this.got = got;
    }
  }

  static String shapeOf(NiftiHeader h) {
    StringBuilder sb = new StringBuilder();
    for (long d : h.shape()) {
      sb.append(sb.length() > 0 ? "x" : "").append(d);
    }
    return sb.toString();
  }
}
