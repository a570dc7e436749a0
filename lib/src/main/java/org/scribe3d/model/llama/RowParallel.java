package org.scribe3d.model.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.scribe3d.model.cpu.CpuKernels;
import org.scribe3d.model.cpu.CpuMatrix;
import org.scribe3d.model.cpu.CpuTeam;
import org.scribe3d.model.cpu.DirectFloats;
import org.scribe3d.model.cpu.TensorStorage;
import org.scribe3d.model.nn.Casts;
import org.scribe3d.model.nn.Embedding;
import org.scribe3d.model.nn.Linear;

/**
 * Inference-time parallelism for big CPU matrix-vector products, as Jlama does it: the weight's rows
 * are split into blocks that Java worker threads multiply concurrently, while libtorch runs every op
 * single-threaded. Why: decoding is one token at a time, so each linear layer is a memory-bound
 * matrix-vector product between dozens of tiny ops; libtorch's OpenMP team makes the tiny ops slower
 * (fork/join per op, and badly so when the cores are shared) and cannot rebalance a matvec when one
 * thread is descheduled, whereas a queue of row blocks can.
 *
 * <p>Inference products on float32 activations (a decoding step's head, a prompt pass) go to the CPU kernels first
 * ({@code org.scribe3d.model.cpu}), which read the weight in place without the engine; the row blocks serve
 * machines without the kernels. A decoding step's layers do not come here at all when the kernels apply
 * ({@link CpuDecodeStep}).
 *
 * <p>Off by default. {@link #enable} switches libtorch to one intra-op thread for the whole process;
 * {@link #disable} restores the previous count. Applies only without gradient recording, on the CPU,
 * to layers without an active (unmerged) adapter; anything else takes the layer's own forward.
 */
public final class RowParallel {
  private static final long MIN_ELEMENTS = 1L << 20;
  private static volatile ExecutorService pool;
  private static volatile int threads;
  private static int savedTorchThreads = -1;
  private static final Map<Object, Blocks> BLOCKS = new WeakHashMap<>();
  /**
   * Input rows per kernel call: each block of weight rows is multiplied with all of them while it is in L1, and
   * 32 rows of activations stay in L2. Measured on 8192 x 3072 float16 weights, 256 rows, 2 threads: 214 GFLOP/s in
   * groups of 32, 182 in groups of 8, 84 one row at a time; the engine's float16 GEMM 50, its float32 GEMM 105-119.
   */
  private static final int KERNEL_GROUP = 32;
  // by layer (identity): NDArray's equals compares contents
  private static final Map<Object, KernelWeight> MATRICES = new WeakHashMap<>();

  /** The kernels' view of a layer's weight (null: not readable by them), for as long as that weight is the layer's. */
  private record KernelWeight(WeakReference<NDArray> weight, CpuMatrix matrix) {}

  private RowParallel() {}

  private record Blocks(NDArray weight, NDArray bias, NDArray[] w, NDArray[] b) {}

  /** Turns the row-parallel path on with {@code n} worker threads (n <= 1 turns it off). */
  public static synchronized void enable(int n) {
    disable();
    if (n <= 1) {
      return;
    }
    savedTorchThreads = JniUtils.getNumThreads();
    JniUtils.setNumThreads(1);
    threads = n;
    pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "scribe3d-rowparallel");
      t.setDaemon(true);
      return t;
    });
  }

  /** Back to libtorch's own threading. */
  public static synchronized void disable() {
    if (pool != null) {
      pool.shutdown();
      pool = null;
    }
    threads = 0;
    if (savedTorchThreads > 0) {
      JniUtils.setNumThreads(savedTorchThreads);
      savedTorchThreads = -1;
    }
    synchronized (BLOCKS) {
      BLOCKS.values().forEach(RowParallel::closeBlocks);
      BLOCKS.clear();
    }
  }

  public static boolean enabled() {
    return pool != null;
  }

  /**
   * The threads the CPU kernels decode with: this class's worker count when enabled, else libtorch's intra-op
   * count (what the caller set for the engine).
   */
  static CpuTeam team() {
    return CpuTeam.of(enabled() ? threads : JniUtils.getNumThreads());
  }

  /**
   * y = layer(x): on the CPU kernels when they apply (inference on float32 activations: a decoding step's head, a
   * prompt pass), else split over rows of the weight when the parallel path applies, else the layer's own forward.
   */
  static NDArray linear(Linear layer, NDArray x) {
    NDArray w = layer.weight().array();
    if (layer.bias() == null && !layer.isTraining()) {
      NDArray y = kernelProduct(layer, w, x);
      if (y != null) {
        // an unmerged adapter adds its low-rank delta as the layer's own forward does
        return layer.adapter() == null || layer.adapter().merged() ? y : y.add(layer.adapter().delta(x, false));
      }
    }
    if (!applies(w) || layer.isTraining() || (layer.adapter() != null && !layer.adapter().merged())) {
      return layer.forward(x);
    }
    return split(layer, w, layer.bias() == null ? null : layer.bias().array(), x);
  }

  /** y = x Eᵀ for a head tied to the embedding table E. */
  static NDArray tied(Embedding embedding, NDArray x) {
    NDArray w = embedding.weight().array();
    if (!embedding.isTraining()) {
      NDArray y = kernelProduct(embedding, w, x);
      if (y != null) {
        return y;
      }
    }
    if (!applies(w) || embedding.isTraining()) {
      NDArray y = ai.djl.nn.core.Linear.linear(Casts.withGrad(x, w.getDataType()), w).singletonOrThrow();
      return Casts.withGrad(y, x.getDataType());
    }
    return split(embedding, w, null, x);
  }

  /**
   * x Wᵀ on the CPU kernels for float32 rows of x (any number: a decoding step's head, or a prompt pass), or null
   * when they do not apply. Rows go through in groups of {@link #KERNEL_GROUP}, read in place where x's storage
   * allows.
   */
  private static NDArray kernelProduct(Object layer, NDArray w, NDArray x) {
    if (!CpuKernels.available() || x.getDataType() != DataType.FLOAT32 || JniUtils.isGradMode()
        || !Device.cpu().equals(x.getDevice())) {
      return null;
    }
    Shape s = x.getShape();
    long in = s.get(s.dimension() - 1);
    long rows = s.size() / Math.max(1, in);
    if (in != w.getShape().get(w.getShape().dimension() - 1) || rows == 0) {
      return null;
    }
    CpuMatrix m;
    synchronized (MATRICES) {
      KernelWeight k = MATRICES.get(layer);
      if (k == null || k.weight.get() != w) {
        k = new KernelWeight(new WeakReference<>(w), CpuMatrix.of(w));
        MATRICES.put(layer, k);
      }
      m = k.matrix;
    }
    if (m == null) {
      return null;
    }
    if (rows * m.rows() * 4 > Integer.MAX_VALUE) {
      return null; // a result one direct view cannot span (all positions through a big head)
    }
    TensorStorage input = TensorStorage.of(x);
    DirectFloats copy = null;
    if (input == null) {
      if (rows > KERNEL_GROUP) {
        return null; // not worth a copy of a whole prompt's activations
      }
      copy = new DirectFloats((int) s.size());
      copy.put(0, x.toFloatArray());
    }
    long[] dims = s.getShape().clone();
    dims[dims.length - 1] = m.rows();
    NDArray y = x.getManager().zeros(new Shape(dims), DataType.FLOAT32);
    TensorStorage out = TensorStorage.of(y); // a fresh tensor: written in place
    if (out == null) {
      y.close();
      return null;
    }
    long xa = input != null ? input.address() : copy.address();
    CpuTeam team = team();
    for (long g = 0; g < rows; g += KERNEL_GROUP) {
      int nb = (int) Math.min(KERNEL_GROUP, rows - g);
      CpuMatrix.multiply(team, new CpuMatrix[] {m}, xa + 4 * g * in, in, nb, new long[] {out.address() + 4 * g * m.rows()},
          m.rows());
    }
    Reference.reachabilityFence(input); // x's storage view and the copy stay alive until the products are done
    Reference.reachabilityFence(copy);
    return y;
  }

  private static boolean applies(NDArray w) {
    return pool != null && w.getShape().size() >= MIN_ELEMENTS && Device.cpu().equals(w.getDevice())
        && !JniUtils.isGradMode();
  }

  private static NDArray split(Object key, NDArray w, NDArray bias, NDArray input) {
    ExecutorService p = pool;
    NDArray x = input.toType(w.getDataType(), false); // no gradients here; the same array when types agree
    Blocks blocks = blocks(key, w, bias);
    List<Future<NDArray>> parts = new ArrayList<>(blocks.w.length);
    long in = x.getShape().get(x.getShape().dimension() - 1);
    boolean oneRow = x.getShape().size() == in;
    // one row (decoding): a plain matrix-vector product (BLAS gemv) instead of a 1-row gemm
    NDArray vec = oneRow ? x.reshape(in) : null;
    for (int i = 0; i < blocks.w.length; i++) {
      NDArray wi = blocks.w[i];
      NDArray bi = blocks.b == null ? null : blocks.b[i];
      parts.add(p.submit(() -> {
        if (oneRow) {
          NDArray y = wi.matMul(vec);
          return bi == null ? y : y.addi(bi);
        }
        return bi == null ? ai.djl.nn.core.Linear.linear(x, wi).singletonOrThrow()
            : ai.djl.nn.core.Linear.linear(x, wi, bi).singletonOrThrow();
      }));
    }
    NDList outs = new NDList(parts.size());
    try {
      for (Future<NDArray> f : parts) {
        outs.add(f.get());
      }
      NDArray y = NDArrays.concat(outs, -1); // registered in the caller's scope
      if (oneRow) {
        long[] dims = x.getShape().getShape().clone();
        dims[dims.length - 1] = y.getShape().get(y.getShape().dimension() - 1);
        y = y.reshape(dims);
      }
      return y.toType(input.getDataType(), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      outs.close(); // worker results live in no scope: free them here
    }
  }

  private static Blocks blocks(Object key, NDArray w, NDArray bias) {
    synchronized (BLOCKS) {
      Blocks b = BLOCKS.get(key);
      if (b != null && b.weight == w && b.bias == bias) {
        return b;
      }
      if (b != null) {
        closeBlocks(b);
      }
      long rows = w.getShape().get(0);
      int n = (int) Math.min(rows, 4L * threads);
      NDArray[] ws = new NDArray[n];
      NDArray[] bs = bias == null ? null : new NDArray[n];
      try (NDScope scope = new NDScope()) {
        for (int i = 0; i < n; i++) {
          NDIndex rowsI = new NDIndex("{}:{}", rows * i / n, rows * (i + 1) / n);
          ws[i] = w.get(rowsI); // views: no copy
          NDScope.unregister(ws[i]);
          if (bias != null) {
            bs[i] = bias.get(rowsI);
            NDScope.unregister(bs[i]);
          }
        }
      }
      b = new Blocks(w, bias, ws, bs);
      BLOCKS.put(key, b);
      return b;
    }
  }

  private static void closeBlocks(Blocks b) {
    for (NDArray a : b.w) {
      a.close();
    }
    if (b.b != null) {
      for (NDArray a : b.b) {
        a.close();
      }
    }
  }
}
