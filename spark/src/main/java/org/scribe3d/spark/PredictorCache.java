package org.scribe3d.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.scribe3d.infer.RunPredictor;

/**
 * One loaded model per executor JVM and {@link PredictorSpec}: tasks of a job (and later jobs in the same JVM, e.g.
 * an embedded local session) reuse it instead of loading the weights once per partition. A {@link RunPredictor} is
 * not thread-safe, so tasks running side by side in one executor take turns on it ({@link #with}); torch already
 * spreads each one over the executor's cores.
 */
final class PredictorCache {
  private PredictorCache() {}

  private static final Map<PredictorSpec, RunPredictor> LOADED = new HashMap<>();

  /** The work a task does with the executor's predictor. */
  interface Work<T> {
    T apply(RunPredictor p) throws IOException;
  }

  /** Runs {@code work} on the executor's predictor for {@code spec}, loading it on first use. */
  static <T> T with(PredictorSpec spec, Work<T> work) throws IOException {
    RunPredictor p;
    synchronized (LOADED) {
      p = LOADED.get(spec);
      if (p == null) {
        p = open(spec);
        LOADED.put(spec, p);
      }
    }
    synchronized (p) {
      return work.apply(p);
    }
  }

  private static RunPredictor open(PredictorSpec spec) throws IOException {
    RunPredictor.Options o = new RunPredictor.Options().threads(spec.threads()).batch(spec.batch())
        .casesPerChunk(spec.casesPerChunk()).blind(spec.blind()).weights(spec.weightType())
        .cacheDir(spec.cacheDir() != null ? Path.of(spec.cacheDir()) : localCache());
    return RunPredictor.openModel(Path.of(spec.model()), spec.decoding(), o);
  }

  /**
   * The preprocessing cache on the executor's own disk: under the first of {@code spark.local.dir} (Spark's scratch
   * space, which cluster managers point at local disks), else the JVM's temporary directory.
   */
  static Path localCache() {
    String dirs = null;
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      dirs = env.conf().get("spark.local.dir", null);
    }
    if (dirs == null || dirs.isBlank()) {
      dirs = System.getProperty("java.io.tmpdir");
    }
    return Path.of(dirs.split(",")[0].strip(), "scribe3d-preprocessed");
  }
}
