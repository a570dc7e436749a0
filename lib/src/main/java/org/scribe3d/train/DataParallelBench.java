package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.nn.Module;
import org.scribe3d.prompt.VocabMap;

/**
 * Benchmark (run by hand, see bench/data_parallel.sh): optimizer-step time of the tiny preset through
 * {@link Trainer} on one device or on master + replicas, each device with its own torch intra-op
 * thread count, on a fixed random batch. Every run does the same work per step ({@code accumulation}
 * micro-batches of {@code batch} examples); with D devices each runs accumulation / D of them.
 *
 * <pre>java -cp ... org.scribe3d.train.DataParallelBench DEVICES [THREADS_EACH] [STEPS] [WARMUP]</pre>
 *
 * Prints one JSON line: devices, threads_each, median_step_s, steps_s.
 */
public final class DataParallelBench {
  private static final int BATCH = 2;
  private static final int ACCUMULATION = 2;
  private static final int SEQ = 160;
  private static final int ANSWER = 60;
  private static final int VOCAB = 1024;

  private DataParallelBench() {}

  record Batch(float[] images, long[] ids, long[] labels) {}

  public static void main(String[] args) throws Exception {
    int devices = Integer.parseInt(args[0]);
    int threadsEach = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    VocabMap vm = VocabMap.of(LongStream.concat(LongStream.range(0, VOCAB - 3),
        LongStream.of(ModelPresets.BOS, ModelPresets.EOS, MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID)).boxed().toList());
    MultimodalConfig cfg = ModelPresets.tiny(vm);
    var v = cfg.vision();
    Batch fixed = batch(cfg, vm);
    BatchSource<Batch> source = new BatchSource<>() {
      @Override
      public int size() {
        return BATCH * ACCUMULATION;
      }

      @Override
      public Batch load(int[] samples, SplittableRandom[] rngs) {
        return fixed;
      }
    };
    Objective<Batch> objective = new Objective<>() {
      @Override
      public long lossUnits(Batch b) {
        return MaskedCrossEntropy.count(b.labels(), BATCH, SEQ);
      }

      @Override
      public int samples(Batch b) {
        return BATCH;
      }

      @Override
      public long tokens(Batch b) {
        return (long) BATCH * SEQ;
      }

      @Override
      public NDArray lossSum(Module model, Batch b, NDManager m) {
        NDArray x = Tensors.owned(m.create(b.images(), new Shape(BATCH, 1, v.depth(), v.height(), v.width())));
        NDArray ids = Tensors.owned(m.create(b.ids(), new Shape(BATCH, SEQ)));
        NDArray lab = Tensors.owned(m.create(b.labels(), new Shape(BATCH, SEQ)));
        return MaskedCrossEntropy.sum(((MultimodalModel) model).forward(ids, x, null), lab);
      }
    };
    Path run = Files.createTempDirectory("scribe3d-bench-dp-");
    List<NDManager> managers = new ArrayList<>();
    try {
      List<MultimodalModel> models = new ArrayList<>();
      for (int d = 0; d < devices; d++) {
        NDManager m = NDManager.newBaseManager(); // DJL has one CPU device: each replica is its own manager
        managers.add(m);
        models.add(new MultimodalModel(cfg, m, DataType.FLOAT32, d));
      }
      TrainConfig tc = new TrainConfig().epochs(warmup + steps).microBatch(BATCH).accumulation(ACCUMULATION)
          .lr(1e-3).weightDecay(0).maxGradNorm(1.0).threads(threadsEach).progressSeconds(1e9);
      new Trainer<>(models.get(0), objective, source, tc, run).replicas(models.subList(1, devices))
          .replicaThreads(threadsEach)
          .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false).fit(false);
      List<JsonObject> lines = MetricsLog.read(run.resolve("metrics.jsonl"));
      double[] dt = lines.stream().skip(warmup)
          .mapToDouble(l -> BATCH * ACCUMULATION / l.get("samples_per_s").getAsDouble()).toArray();
      double[] sorted = dt.clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "{\"devices\": %d, \"threads_each\": %d, \"median_step_s\": %.4f, \"steps_s\": %s}%n",
          devices, threadsEach, sorted[sorted.length / 2], Arrays.toString(Arrays.stream(dt)
              .map(x -> Math.round(x * 1000) / 1000.0).toArray()));
    } finally {
      managers.forEach(NDManager::close);
      try (Stream<Path> s = Files.walk(run)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A fixed random micro-batch: BOS, the image tokens, text; the last ANSWER positions labelled. */
  private static Batch batch(MultimodalConfig cfg, VocabMap vm) {
    var v = cfg.vision();
    int vox = v.depth() * v.height() * v.width();
    SplittableRandom r = new SplittableRandom(0);
    float[] images = new float[BATCH * vox];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextDouble();
    }
    long[] ids = new long[BATCH * SEQ];
    long[] labels = new long[BATCH * SEQ];
    long img = cfg.modelImageTokenId();
    for (int b = 0; b < BATCH; b++) {
      for (int t = 0; t < SEQ; t++) {
        long id = t == 0 ? vm.toCompact(ModelPresets.BOS) : t <= cfg.imageTokens() ? img : r.nextInt(VOCAB - 3);
        ids[b * SEQ + t] = id;
        labels[b * SEQ + t] = t < SEQ - ANSWER ? MaskedCrossEntropy.IGNORE : id;
      }
    }
    return new Batch(images, ids, labels);
  }
}
