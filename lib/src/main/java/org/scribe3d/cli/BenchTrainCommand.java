package org.scribe3d.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.nn.Module;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.train.BatchSource;
import org.scribe3d.train.MaskedCrossEntropy;
import org.scribe3d.train.MetricsLog;
import org.scribe3d.train.Objective;
import org.scribe3d.train.TrainConfig;
import org.scribe3d.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d bench train}: training throughput of the tiny preset through the real {@link Trainer}
 * (forward, masked loss, backward, clipping, AdamW) on a fixed random batch, against the same model
 * and step in PyTorch eager ({@code bench/train_tiny_torch.py}, /usr/bin/python3).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Benchmark: tiny-preset training samples/s, Scribe3D trainer vs the PyTorch eager twin.")
public final class BenchTrainCommand implements Callable<Integer> {
  @Option(names = "--batch", defaultValue = "4") int batch;
  @Option(names = "--seq", defaultValue = "160", description = "Sequence length (BOS + 64 image tokens + text).") int seq;
  @Option(names = "--answer", defaultValue = "60", description = "Labelled tokens per sample.") int answer;
  @Option(names = "--vocab", defaultValue = "1024", description = "Restricted vocabulary size.") int vocab;
  @Option(names = "--steps", defaultValue = "8", description = "Timed steps.") int steps;
  @Option(names = "--warmup", defaultValue = "3", description = "Untimed first steps.") int warmup;
  @Option(names = "--threads", defaultValue = "2") int threads;
  @Option(names = "--no-python", description = "Skip the PyTorch twin.") boolean noPython;
  @Option(names = "--python", defaultValue = "/usr/bin/python3") String python;
  @Spec CommandSpec spec;

  record Batch(float[] images, long[] ids, long[] labels) {}

  @Override
  public Integer call() throws Exception {
    if (seq < 64 + 2 + answer || batch < 1 || steps < 1 || vocab < 16) {
      throw new CliExit("need --seq ≥ 66 + --answer, --batch ≥ 1, --steps ≥ 1, --vocab ≥ 16", 2);
    }
    PrintWriter out = spec.commandLine().getOut();
    VocabMap vm = VocabMap.of(LongStream.concat(LongStream.range(0, vocab - 3),
        LongStream.of(ModelPresets.BOS, ModelPresets.EOS, MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID)).boxed().toList());
    MultimodalConfig cfg = ModelPresets.tiny(vm);
    var v = cfg.vision();
    int vox = v.depth() * v.height() * v.width();
    SplittableRandom r = new SplittableRandom(0);
    float[] images = new float[batch * vox];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextDouble();
    }
    long[] ids = new long[batch * seq];
    long[] labels = new long[batch * seq];
    long img = cfg.modelImageTokenId();
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < seq; t++) {
        long id = t == 0 ? vm.toCompact(ModelPresets.BOS) : t <= cfg.imageTokens() ? img : r.nextInt(vocab - 3);
        ids[b * seq + t] = id;
        labels[b * seq + t] = t < seq - answer ? MaskedCrossEntropy.IGNORE : id;
      }
    }
    Batch fixed = new Batch(images, ids, labels);
    BatchSource<Batch> source = new BatchSource<>() {
      @Override
      public int size() {
        return batch;
      }

      @Override
      public Batch load(int[] samples, SplittableRandom[] rngs) {
        return fixed;
      }
    };
    Objective<Batch> objective = new Objective<>() {
      @Override
      public long lossUnits(Batch b) {
        return MaskedCrossEntropy.count(b.labels(), batch, seq);
      }

      @Override
      public int samples(Batch b) {
        return batch;
      }

      @Override
      public long tokens(Batch b) {
        return (long) batch * seq;
      }

      @Override
      public NDArray lossSum(Module model, Batch b, NDManager m) {
        NDArray x = m.create(b.images(), new Shape(batch, 1, v.depth(), v.height(), v.width()));
        NDArray idArr = m.create(b.ids(), new Shape(batch, seq));
        NDArray lab = m.create(b.labels(), new Shape(batch, seq));
        return MaskedCrossEntropy.sum(((MultimodalModel) model).forward(idArr, x, null), lab);
      }
    };
    Path run = Files.createTempDirectory("scribe3d-bench-train-");
    double javaRate;
    long params;
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel model = new MultimodalModel(cfg, m, DataType.FLOAT32, 0);
      params = model.parameterCount();
      TrainConfig tc = new TrainConfig().epochs(warmup + steps).microBatch(batch).lr(1e-3).weightDecay(0)
          .maxGradNorm(1.0).threads(threads).progressSeconds(1e9);
      new Trainer<>(model, objective, source, tc, run)
          .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false).fit(false);
      List<JsonObject> lines = MetricsLog.read(run.resolve("metrics.jsonl"));
      double[] dt = lines.stream().skip(warmup).mapToDouble(l -> batch / l.get("samples_per_s").getAsDouble())
          .sorted().toArray();
      double med = dt[dt.length / 2];
      javaRate = batch / med;
      out.printf(Locale.ROOT, "scribe3d (DJL %s, PyTorch %s): tiny preset, %d parameters, batch %d, seq %d, %d threads:"
              + " median step %.3f s = %.3f samples/s (steps: %s)%n", ai.djl.engine.Engine.getDjlVersion(),
          ai.djl.engine.Engine.getInstance().getVersion(), params, batch, seq, threads, med, javaRate,
          Arrays.toString(lines.stream().mapToDouble(l -> Math.round(batch / l.get("samples_per_s").getAsDouble()
              * 1000) / 1000.0).toArray()));
      out.flush();
    } finally {
      try (var s = Files.walk(run)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (noPython) {
      return 0;
    }
    Path script = script();
    List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--batch", "" + batch, "--seq", "" + seq,
        "--vocab", "" + vocab, "--steps", "" + steps, "--warmup", "" + warmup, "--threads", "" + threads,
        "--answer", "" + answer));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("OMP_NUM_THREADS", "" + threads);
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new CliExit("the PyTorch twin failed (" + String.join(" ", cmd) + ")", 1);
    }
    JsonObject py = new Gson().fromJson(text.lines().reduce((a, b) -> b).orElse("{}"), JsonObject.class);
    double pyRate = py.get("samples_per_s").getAsDouble();
    out.printf(Locale.ROOT, "pytorch eager (torch %s): %d parameters, median step %.3f s = %.3f samples/s%n",
        py.get("torch").getAsString(), py.get("params").getAsLong(), py.get("median_step_s").getAsDouble(), pyRate);
    out.printf(Locale.ROOT, "ratio scribe3d / pytorch = %.2f (%s)%n", javaRate / pyRate,
        javaRate >= pyRate / 1.2 ? "within 1.2x" : "slower than 1.2x");
    return 0;
  }

  private static Path script() {
    return org.scribe3d.data.ProjectHome.file("bench/train_tiny_torch.py")
        .orElseThrow(() -> new CliExit("bench/train_tiny_torch.py not found (run from the repository)", 1));
  }
}
