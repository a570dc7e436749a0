package org.scribe3d.model.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The C decoding kernels (src/main/native/scribe3d_kernels.c) through JNI: matrix-vector products that read
 * float32 or float16 weights once per token (float16 converted in registers), RMSNorm, SwiGLU, residual adds and
 * one position of grouped-query attention over a KV cache. Arguments are raw addresses of memory Java owns
 * ({@link #address} of a direct buffer, or of a tensor's storage); the caller keeps that memory alive and sized.
 *
 * <p>The library is built with the project when the machine has a C compiler and packed into the jar; without
 * it, or with {@code -Dscribe3d.cpuKernels=false} (or {@code SCRIBE3D_CPU_KERNELS=0}), {@link #available} is
 * false and decoding runs on DJL's engine alone.
 */
public final class CpuKernels {
  private static final String LIBRARY = "libscribe3d_kernels.so";
  private static final boolean LOADED;
  private static final boolean VECTOR;
  private static final String STATUS;
  private static volatile boolean enabled = true;
  private static final String SWITCHED_OFF = "switched off (CpuKernels.setEnabled(false))";
  private static volatile String offReason = SWITCHED_OFF;

  static {
    boolean loaded = false;
    boolean vector = false;
    String status;
    try {
      Path lib = locate();
      if (lib == null) {
        status = "not built (no C compiler when the project was built)";
      } else {
        System.load(lib.toString());
        int level = init();
        vector = level > 0;
        loaded = true;
        status = level == 2 ? "AVX-512 products, AVX2+FMA+F16C elsewhere" : level == 1 ? "AVX2+FMA+F16C"
            : "portable C (no AVX2/FMA/F16C on this CPU)";
      }
    } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
      status = "not loaded: " + e.getMessage();
    }
    if (loaded && disabledByUser()) {
      // loaded all the same: a benchmark's read pass still uses it, decoding does not
      enabled = false;
      offReason = "off (scribe3d.cpuKernels=false or SCRIBE3D_CPU_KERNELS=0)";
    }
    LOADED = loaded;
    VECTOR = vector;
    STATUS = status;
  }

  private CpuKernels() {}

  /** Whether the native library is loaded, switched on or not (a benchmark's read pass needs only that). */
  public static boolean loaded() {
    return LOADED;
  }

  /** Whether the kernels are loaded and switched on (decoding then uses them where they apply). */
  public static boolean available() {
    return LOADED && enabled;
  }

  /**
   * Switches the kernels off (decoding then runs on the engine alone, e.g. to compare the two in one process)
   * or back on; they are on by default when loaded.
   */
  public static void setEnabled(boolean on) {
    if (!on) {
      offReason = SWITCHED_OFF;
    }
    enabled = on;
  }

  /** Whether the vector (AVX2 + FMA + F16C) paths run, rather than the portable C ones. */
  public static boolean vectorised() {
    return VECTOR;
  }

  /** One line for logs and {@code model-info}: which kernels run, or why none do. */
  public static String status() {
    return LOADED && !enabled ? offReason : STATUS;
  }

  private static boolean disabledByUser() {
    String p = System.getProperty("scribe3d.cpuKernels");
    String e = System.getenv("SCRIBE3D_CPU_KERNELS");
    return "false".equalsIgnoreCase(p) || "0".equals(e) || "false".equalsIgnoreCase(e);
  }

  /** The library as a file: from the classes directory as it is, from a jar copied to a temporary file. */
  private static Path locate() throws IOException {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux") ? "linux" : "other";
    String arch = switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> System.getProperty("os.arch");
    };
    String resource = "/native/" + os + "-" + arch + "/" + LIBRARY;
    URL url = CpuKernels.class.getResource(resource);
    if (url == null) {
      return null;
    }
    if ("file".equals(url.getProtocol())) {
      try {
        return Paths.get(url.toURI());
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
    }
    Path tmp = Files.createTempFile("scribe3d-kernels", ".so");
    tmp.toFile().deleteOnExit();
    try (InputStream in = url.openStream()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    return tmp;
  }

  /** Loads the CPU's level: 0 portable C, 1 AVX2 + FMA + F16C, 2 with AVX-512 products. */
  private static native int init();

  /** The address of a direct buffer's first byte. */
  public static native long address(ByteBuffer direct);

  /**
   * y_b[r] = Σ_c w[r, c] x_b[c] for rows {@code r0 ≤ r < r1} of a row-major float32 (or float16, {@code half})
   * matrix with {@code cols} columns, for {@code nb} float32 vectors x_b at {@code x + 4·b·xStride}, written to
   * {@code y + 4·b·yStride} (strides in floats).
   */
  public static native void matvec(long w, boolean half, long x, long y, long cols, int nb, long xStride,
      long yStride, long r0, long r1);

  /**
   * {@link #matvec} over all {@code rows}, shared out in chunks of about 1 MiB of weights through the 64-bit
   * counter at {@code cursor}: every thread of a team calls this on the same zeroed counter and takes the next
   * chunk until none is left.
   */
  public static native void matvecShared(long w, boolean half, long x, long y, long cols, int nb, long xStride,
      long yStride, long rows, long cursor);

  /**
   * Reads {@code bytes} bytes at {@code address} with wide loads, writing nothing, in chunks of {@code chunk} bytes
   * (a multiple of 8) shared through the zeroed 64-bit counter at {@code cursor} like {@link #matvecShared}.
   * Returns the XOR of the little-endian 64-bit words this call read (the last word of the region zero-padded).
   */
  public static native long readShared(long address, long bytes, long cursor, long chunk);

  /** out = x / sqrt(mean(x²) + eps) · weight over n float32 values (Hugging Face LlamaRMSNorm). */
  public static native void rmsNorm(long x, long weight, long out, int n, float eps);

  /** y += x over n float32 values. */
  public static native void addInPlace(long y, long x, int n);

  /** gate = silu(gate) · up over n float32 values (SwiGLU). */
  public static native void siluMul(long gate, long up, int n);

  /**
   * One decoding position of grouped-query attention for one batch row and KV heads {@code kh0 ≤ g < kh1}:
   * rotary embedding (cos and {@code Rope.tables}' signed sin, [dim] each) on the query heads of those groups and
   * on their new keys, the new keys and values stored at cache slot {@code slot}, then softmax(q·Kᵀ/√dim)·V over
   * slots 0..slot whose mask byte is non-zero (the new slot always counts).
   *
   * @param q [heads, dim] float32 queries, rotated in place
   * @param k [kvHeads, dim] new keys, rotated in place
   * @param v [kvHeads, dim] new values
   * @param keyCache this row's keys, [kvHeads, maxLen, dim] float32
   * @param valueCache this row's values, the same shape
   * @param out [heads, dim] attention output
   * @param mask maxLen bytes: non-zero where an earlier slot holds a real token
   * @param scores scratch of (kh1 − kh0)·(slot + 1) floats
   */
  public static native void attendOne(long q, long k, long v, long keyCache, long valueCache, long out, long mask,
      long cos, long sin, long scores, int heads, int kvHeads, int dim, int maxLen, int slot, int kh0, int kh1);
}
