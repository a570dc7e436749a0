package org.scribe3d.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.model.cpu.CpuKernels;
import org.scribe3d.model.cpu.CpuMatrix;
import org.scribe3d.model.cpu.CpuTeam;
import org.scribe3d.model.cpu.DirectFloats;
import org.scribe3d.model.cpu.ReadPass;
import org.scribe3d.model.cpu.TensorStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d bench matvec}: the matrix–vector product that bounds decoding speed (one token through one
 * weight matrix), per weight type, on DJL's PyTorch engine: float32, float16, and int8 with per-row scales
 * (the weight-only scheme, dequantised to float16 before the product, since the engine has no mixed int8·float
 * kernel), and on Scribe3D's own CPU kernels ({@link CpuKernels}, float32 and float16, what decoding uses) in the
 * same run. Prints milliseconds per product and the weight bytes read per second, against the read bandwidth a
 * plain read of the same float32 matrix reaches in the same run ({@link ReadPass}), or the one given.
 */
@Command(name = "matvec", mixinStandardHelpOptions = true,
    description = "Time one matrix-vector product per weight type (float32, float16, int8 with per-row scales) on the"
        + " engine, and float32 and float16 on Scribe3D's CPU kernels.")
public final class BenchMatvecCommand implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "14336", description = "Weight rows (default ${DEFAULT-VALUE}, Llama-3-8B's MLP).")
  int rows;

  @Option(names = "--cols", defaultValue = "4096", description = "Weight columns (default ${DEFAULT-VALUE}).")
  int cols;

  @Option(names = "--threads", defaultValue = "2",
      description = "Torch intra-op threads, and the kernels' threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--repeats", defaultValue = "50", description = "Timed products per type (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--bandwidth", paramLabel = "GB/s",
      description = "Read bandwidth for the %% of limit column (default: a read pass over the float32 matrix in this"
          + " run, on the kernels' threads).")
  Double bandwidth;

  private double limitGbs; // the % of limit column's bandwidth: --bandwidth, else this run's read pass

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (rows < 1 || cols < 1 || threads < 1 || repeats < 1) {
      throw new CliExit("--rows, --cols, --threads and --repeats must be positive", 2);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%d x %d weight, %d threads, median of %d products%n", rows, cols, threads, repeats);
    double f16 = 0;
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setNumThreads(threads); // after the engine has loaded its native library
      m.getEngine().setRandomSeed(0);
      NDArray w32 = m.randomNormal(0f, 0.02f, new Shape(rows, cols), DataType.FLOAT32);
      NDArray x32 = m.randomNormal(new Shape(cols));
      NDArray w16 = w32.toType(DataType.FLOAT16, false);
      NDArray x16 = x32.toType(DataType.FLOAT16, false);
      NDArray scale = w32.abs().max(new int[] {1}, true).div(127f);
      NDArray q8 = w32.div(scale).round().toType(DataType.INT8, false);
      NDArray scale16 = scale.reshape(rows).toType(DataType.FLOAT16, false);
      CpuTeam team = CpuKernels.loaded() ? CpuTeam.of(threads) : null;
      double readMs = 0;
      if (team != null) {
        ReadPass pass = ReadPass.of(List.of(TensorStorage.of(w32)));
        readMs = timeKernel(() -> pass.run(team));
      } else if (bandwidth == null) {
        out.println("no read pass (" + CpuKernels.status() + "): % of limit against 67 GB/s");
      }
      limitGbs = bandwidth != null ? bandwidth : team != null ? rows * (double) cols * 4 / (readMs / 1e3) / 1e9 : 67.0;
      out.printf(Locale.ROOT, "%-8s %-8s %10s %12s %12s %10s%n", "weights", "path", "MB", "ms/product", "GB/s read",
          "% of limit");
      if (team != null) {
        row(out, "float32", "read", 4L, readMs);
      }
      double ms32 = time(() -> w32.matMul(x32));
      double ms16 = time(() -> w16.matMul(x16));
      double ms8 = time(() -> q8.toType(DataType.FLOAT16, false).matMul(x16).mul(scale16));
      f16 = ms16;
      row(out, "float32", "engine", 4L, ms32);
      row(out, "float16", "engine", 2L, ms16);
      row(out, "int8", "engine", 1L, ms8);
      if (CpuKernels.available()) {
        for (NDArray w : new NDArray[] {w32, w16}) {
          CpuMatrix mat = CpuMatrix.of(w);
          DirectFloats x = new DirectFloats(cols);
          x.put(0, x32.toFloatArray());
          DirectFloats y = new DirectFloats(rows);
          double ms = timeKernel(() -> CpuMatrix.multiply(team, new CpuMatrix[] {mat}, x.address(), cols, 1,
              new long[] {y.address()}, rows));
          row(out, w == w32 ? "float32" : "float16", "kernels", w == w32 ? 4L : 2L, ms);
        }
      } else {
        out.println("kernels: " + CpuKernels.status());
      }
      double err = relativeError(w32.matMul(x32), q8.toType(DataType.FLOAT32, false).matMul(x32)
          .mul(scale.reshape(rows)));
      out.printf(Locale.ROOT, "int8 / float16 time: %.2f; int8 product relative error vs float32: %.2e%n",
          ms8 / f16, err);
    }
    out.flush();
    return 0;
  }

  private void row(PrintWriter out, String name, String path, long bytesPerWeight, double ms) {
    double bytes = (double) rows * cols * bytesPerWeight;
    double gbs = bytes / (ms / 1e3) / 1e9;
    out.printf(Locale.ROOT, "%-8s %-8s %10.1f %12.3f %12.1f %10.0f%n",
        name, path, bytes / 1e6, ms, gbs, 100 * gbs / limitGbs);
  }

  private double timeKernel(Runnable product) {
    double[] ms = new double[repeats];
    for (int i = -5; i < repeats; i++) {
      long t0 = System.nanoTime();
      product.run();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(ms);
    return ms[repeats / 2];
  }

  private double time(java.util.function.Supplier<NDArray> product) {
    double[] ms = new double[repeats];
    for (int i = -5; i < repeats; i++) { // five warm-up products
      try (NDScope scope = new NDScope()) {
        long t0 = System.nanoTime();
        NDArray y = product.get();
        y.toType(DataType.FLOAT32, false).getFloat(0); // forces the result
        if (i >= 0) {
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    Arrays.sort(ms);
    return ms[repeats / 2];
  }

  private static double relativeError(NDArray ref, NDArray got) {
    float[] a = ref.toFloatArray();
    float[] b = got.toFloatArray();
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (double) (a[i] - b[i]) * (a[i] - b[i]);
      den += (double) a[i] * a[i];
    }
    return Math.sqrt(num / den);
  }
}
