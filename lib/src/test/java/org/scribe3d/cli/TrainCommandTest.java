package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Examples;
import org.scribe3d.data.Split;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.recipe.Decoding;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.train.CheckpointStore;
import org.scribe3d.train.MetricsLog;
import org.scribe3d.train.TrainRun;

/**
 * {@code scribe3d train} on a 4-case phantom set with a micro model (the tiny preset's layout at toy
 * widths, so a step takes milliseconds): a normal run, bad input, and issue 6's done-when 3 — a
 * {@code train} process killed with SIGKILL mid-epoch and resumed ends with bit-identical weights.
 */
class TrainCommandTest {
  @TempDir static Path tmp;
  static Path data;
  static Path modelConfig;

  @BeforeAll
  static void phantomAndMicroModel() throws Exception {
    data = tmp.resolve("phantom");
    modelConfig = phantomAndMicroModel(data, 4, tmp.resolve("micro.json"));
  }

  /**
   * Writes an N-case small phantom set (seed 3, a quarter for validation) to {@code data} and, to
   * {@code file}, a micro model config (the tiny preset's layout at toy widths over the set's
   * restricted vocabulary); returns {@code file}. Also used by GenerateCommandTest.
   */
  static Path phantomAndMicroModel(Path data, int cases, Path file) throws Exception {
    PhantomDataset.write(data, cases, 3, 0.25, SizePreset.SMALL, (i, n, id, split, c) -> { });
    Dataset ds = DatasetLoader.load(data, DatasetLoader.Options.defaults());
    VocabMap vocab;
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored()) {
      vocab = TrainRun.corpusVocab(TextTokenizer.of(tok), Examples.expandAll(ds.split(Split.TRAIN)),
          Examples.expandAll(ds.split(Split.VALIDATION)));
    }
    MultimodalConfig tiny = ModelPresets.tiny(vocab);
    LlamaConfig t = tiny.llm();
    LlamaConfig llm = new LlamaConfig(32, 64, 1, 2, 1, 16, 1e-5, 500000.0, null, vocab.size(), false, false, false,
        t.bosTokenId(), t.eosTokenIds(), 8192, "float32", 0.02);
    ViTConfig v = new ViTConfig(1, 16, 64, 64, 4, 16, 16, 32, 1, 2, 64, 1e-5, false);
    MultimodalConfig micro = new MultimodalConfig("micro", v, 2, llm, null, 8, tiny.imageTokenId(), 512, vocab);
    Files.writeString(file, micro.toJsonString());
    return file;
  }

  static List<String> args(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("train", "--model-config", modelConfig.toString(), "--data",
        data.toString(), "--out", out.toString(), "--epochs", "3", "--batch", "2", "--threads", "1",
        "--checkpoint-every", "2", "--val-samples", "4", "--cache", tmp.resolve("cache").toString(), "--lr", "3e-3"));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void sigkilledTrainProcessResumesToBitIdenticalWeights() throws Exception {
    Path straight = tmp.resolve("straight");
    Process full = child(args(straight), tmp.resolve("straight.log"));
    assertTrue(full.waitFor(120, TimeUnit.SECONDS), "uninterrupted train did not finish");
    String log = Files.readString(tmp.resolve("straight.log"));
    assertEquals(0, full.exitValue(), log);
    assertTrue(log.contains("trained ") && log.contains("validation at step"), log);
    List<JsonObject> lines = MetricsLog.read(straight.resolve("metrics.jsonl"));
    long total = lines.stream().filter(l -> !l.has("kind")).count();
    assertTrue(total > 10, "too few steps to kill mid-run: " + total);
    assertTrue(lines.stream().anyMatch(l -> l.has("vqa_accuracy")));

    Path run = tmp.resolve("killed");
    Process p = child(args(run), tmp.resolve("child1.log"));
    CheckpointStore store = new CheckpointStore(run, 2);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (store.latest().isEmpty()) {
      assertTrue(p.isAlive(), "train ended before its first checkpoint: " + Files.readString(tmp.resolve("child1.log")));
      assertTrue(System.nanoTime() < deadline, "no checkpoint after 120 s");
      Thread.sleep(10);
    }
    p.destroyForcibly(); // SIGKILL
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "expected death by SIGKILL");
    long killedAt = store.latest().orElseThrow().step();
    assertTrue(killedAt < total, "the run finished before the kill");
    assertTrue(Files.notExists(run.resolve("model")), "a killed run has no final model");

    Process q = child(args(run, "--resume"), tmp.resolve("child2.log"));
    assertTrue(q.waitFor(120, TimeUnit.SECONDS), "resumed train did not finish");
    assertEquals(0, q.exitValue(), Files.readString(tmp.resolve("child2.log")));
    assertTrue(Files.readString(tmp.resolve("child2.log")).contains("(from step " + killedAt + ")"),
        Files.readString(tmp.resolve("child2.log")));

    try (NDManager m = NDManager.newBaseManager();
        TensorSource a = Safetensors.open(straight.resolve("model/model.safetensors"));
        TensorSource b = Safetensors.open(run.resolve("model/model.safetensors"))) {
      assertEquals(a.names(), b.names());
      for (String name : a.names()) {
        assertArrayEquals(a.load(name, m, null).toFloatArray(), b.load(name, m, null).toFloatArray(), 0f, name);
      }
    }
    assertEquals(total, MetricsLog.read(run.resolve("metrics.jsonl")).stream().filter(l -> !l.has("kind")).count());
  }

  /** The micro model over a vocabulary that also holds every word of hints over {@code labels}. */
  static Path hintModelConfig(List<String> labels, Path file) throws Exception {
    Dataset hds = DatasetLoader.load(data, DatasetLoader.Options.defaults());
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored()) {
      List<TrainingExample> tr = Examples.expandAll(hds.split(Split.TRAIN));
      List<TrainingExample> va = Examples.expandAll(hds.split(Split.VALIDATION));
      VocabMap hv = TrainRun.corpusVocab(TextTokenizer.of(tok), tr, va, TrainRun.hintVocabularyTexts(labels, tr, va));
      MultimodalConfig mc = MultimodalConfig.load(modelConfig);
      LlamaConfig l = mc.llm();
      MultimodalConfig hinted = new MultimodalConfig("micro", mc.vision(), mc.pool(), new LlamaConfig(
          l.hiddenSize(), l.intermediateSize(), l.numHiddenLayers(), l.numAttentionHeads(), l.numKeyValueHeads(),
          l.headDim(), l.rmsNormEps(), l.ropeTheta(), l.ropeScaling(), hv.size(), l.tieWordEmbeddings(),
          l.attentionBias(), l.mlpBias(), l.bosTokenId(), l.eosTokenIds(), l.maxPositionEmbeddings(), l.torchDtype(),
          l.initializerRange()), null, mc.imageTokens(), mc.imageTokenId(), mc.maxLength(), hv);
      Files.writeString(file, hinted.toJsonString());
    }
    return file;
  }

  /**
   * {@code --box-loss} adds a dense head trained on the phantom's finding boxes in vision pretraining; a hint run
   * from that encoder carries the head over and names lesions with their locations.
   */
  @Test
  void boxLossTrainsADenseHeadThatHintRunsCarry() throws Exception {
    Path run = tmp.resolve("boxes");
    CliTestSupport.Result r = CliTestSupport.run(args(run, "--finding-loss", "1", "--pretrain-epochs", "1",
        "--box-loss", "1", "--max-steps", "1").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue((r.out() + r.err()).contains("dense finding head: "), r.out() + r.err());
    MultimodalConfig cfg = MultimodalConfig.load(run.resolve("model/config.json"));
    assertNotNull(cfg.denseLabels());
    assertTrue(cfg.findingLabels().containsAll(cfg.denseLabels()) && cfg.denseLabels().stream()
        .noneMatch(l -> l.startsWith("count:")), cfg.denseLabels().toString());
    Path enc = run.resolve(TrainRun.PRETRAIN_DIR).resolve(TrainRun.ENCODER_FILE);
    try (org.scribe3d.checkpoint.TensorSource src = org.scribe3d.checkpoint.Safetensors.open(enc)) {
      assertTrue(src.names().contains("finding_dense.weight"), src.names().toString());
    }
    Path hinted = tmp.resolve("boxes-hints");
    CliTestSupport.Result h = CliTestSupport.run("train", "--model-config",
        hintModelConfig(cfg.findingLabels(), tmp.resolve("micro-box-hints.json")).toString(), "--data",
        data.toString(), "--out", hinted.toString(), "--epochs", "1", "--max-steps", "1", "--batch", "2", "--threads",
        "1", "--val-samples", "2", "--cache", tmp.resolve("cache").toString(), "--vision-init", enc.toString(),
        "--freeze-vision", "--finding-hints");
    assertEquals(0, h.exitCode(), h.err());
    assertEquals(cfg.denseLabels(), MultimodalConfig.load(hinted.resolve("model/config.json")).denseLabels());
    Path scan = DatasetLoader.load(data, DatasetLoader.Options.defaults()).split(Split.TRAIN).get(0).image();
    try (RunPredictor p = RunPredictor.open(hinted)) {
      assertTrue(p.hint(scan).startsWith(org.scribe3d.prompt.FindingHint.PREFIX), p.hint(scan));
    }
    CliTestSupport.Result bad = CliTestSupport.run(args(tmp.resolve("boxes-bad"), "--finding-loss", "1",
        "--box-loss", "1").toArray(String[]::new));
    assertEquals(1, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("--box-loss trains the dense finding head in vision pretraining")
        && bad.err().strip().lines().count() == 1, bad.err());
    CliTestSupport.Result noHead = CliTestSupport.run(args(tmp.resolve("boxes-nohead"), "--pretrain-epochs", "1",
        "--box-loss", "1").toArray(String[]::new));
    assertEquals(1, noHead.exitCode(), noHead.err());
    assertTrue(noHead.err().contains("--box-loss needs a finding head") && noHead.err().strip().lines().count() == 1,
        noHead.err());
  }

  /**
   * {@code --finding-loss} adds the report-label head; {@code --pretrain-epochs} first trains encoder,
   * projector and head alone (the language model stays exactly as initialised), in RUN/pretrain/.
   */
  @Test
  void findingHeadAndVisionPretraining() throws Exception {
    Path run = tmp.resolve("head");
    CliTestSupport.Result r = CliTestSupport.run(args(run, "--finding-loss", "1", "--pretrain-epochs", "2")
        .toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue((r.out() + r.err()).contains("pretrain: vision encoder"), r.out() + r.err());
    MultimodalConfig cfg = MultimodalConfig.load(run.resolve("model/config.json"));
    assertNotNull(cfg.findingLabels());
    assertTrue(cfg.findingLabels().stream().anyMatch(l -> l.startsWith("type:")), cfg.findingLabels().toString());
    assertTrue(MetricsLog.read(run.resolve("pretrain/metrics.jsonl")).stream().filter(l -> !l.has("kind")).count() >= 2);

    CheckpointStore.Checkpoint ck = new CheckpointStore(run.resolve("pretrain"), 2).latest().orElseThrow();
    try (NDManager m = NDManager.newBaseManager()) {
      java.util.Map<String, ai.djl.ndarray.NDArray> after = ck.model(m);
      MultimodalModel init = new MultimodalModel(MultimodalConfig.load(run.resolve(TrainRun.MODEL_CONFIG)), m,
          ai.djl.ndarray.types.DataType.FLOAT32, 42);
      int llm = 0;
      int moved = 0;
      for (var e : init.namedParameters().entrySet()) {
        float[] a = e.getValue().array().toFloatArray();
        float[] b = after.get(e.getKey()).toFloatArray();
        if (e.getKey().startsWith("llm.")) {
          assertArrayEquals(a, b, 0f, e.getKey() + " changed during vision pretraining");
          llm++;
        } else if (!java.util.Arrays.equals(a, b)) {
          moved++;
        }
      }
      assertTrue(llm > 0 && moved > 0, "llm params " + llm + ", moved vision/projector/head params " + moved);
    }
    List<Path> images = DatasetLoader.load(data, DatasetLoader.Options.defaults()).split(Split.TRAIN).stream()
        .limit(3).map(c -> c.image()).toList();
    Path image = images.get(0);
    try (RunPredictor p = RunPredictor.open(run)) {
      java.util.Map<String, Double> probs = p.findingProbabilities(List.of(image)).get(0);
      assertEquals(cfg.findingLabels(), new ArrayList<>(probs.keySet()));
      assertTrue(probs.values().stream().allMatch(x -> x >= 0 && x <= 1), probs.toString());
      // several scans go through the encoder as one batch: each row is that scan's, as alone
      List<java.util.Map<String, Double>> together = p.findingProbabilities(images);
      assertEquals(images.size(), together.size());
      for (int i = 0; i < images.size(); i++) {
        java.util.Map<String, Double> alone = p.findingProbabilities(List.of(images.get(i))).get(0);
        for (String l : cfg.findingLabels()) {
          assertEquals(alone.get(l), together.get(i).get(l), 1e-5, images.get(i) + " " + l);
        }
      }
      assertTrue(!together.get(0).equals(together.get(1)) || !together.get(1).equals(together.get(2)),
          "different scans should not all score alike");
    }
    // a resume must repeat the flags that shape the objective
    CliTestSupport.Result other = CliTestSupport.run(args(run, "--finding-loss", "2", "--pretrain-epochs", "2",
        "--resume").toArray(String[]::new));
    assertEquals(1, other.exitCode(), other.err());
    assertTrue(other.err().contains("cannot resume") && other.err().contains("finding_loss 1.0 (now 2.0)")
        && other.err().strip().lines().count() == 1, other.err());

    // the pretrained image side as a file, and a new run that starts from it
    Path enc = run.resolve(TrainRun.PRETRAIN_DIR).resolve(TrainRun.ENCODER_FILE);
    assertTrue(Files.isRegularFile(enc), enc + " missing");
    Path run2 = tmp.resolve("from-encoder");
    CliTestSupport.Result r2 = CliTestSupport.run("train", "--model-config", modelConfig.toString(), "--data",
        data.toString(), "--out", run2.toString(), "--epochs", "1", "--max-steps", "1", "--batch", "2", "--threads", "1",
        "--val-samples", "0", "--cache", tmp.resolve("cache").toString(), "--lr", "0", "--finding-loss", "1",
        "--vision-init", run.toString());
    assertEquals(0, r2.exitCode(), r2.err());
    assertTrue(r2.err().contains("vision init: ") && !r2.err().contains("starts fresh"), r2.err());
    assertEquals(cfg.findingLabels(), MultimodalConfig.load(run2.resolve("model/config.json")).findingLabels());
    try (NDManager m = NDManager.newBaseManager(); TensorSource a = Safetensors.open(enc);
        TensorSource b = Safetensors.open(run2.resolve("model/model.safetensors"))) {
      for (String name : a.names()) { // lr 0: the one step leaves the loaded weights as they were
        assertArrayEquals(a.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(),
            b.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(), 0f, name);
      }
    }
    // the encoder's preprocessing comes with it
    assertTrue(r2.out().contains("pipeline: the one") || r2.err().contains("pipeline: the one"), r2.out() + r2.err());
    assertEquals(Files.readString(RunDirectory.of(run).pipeline()), Files.readString(RunDirectory.of(run2).pipeline()));
    // --freeze-vision: a real step moves the projector and head, not the encoder
    Path run3 = tmp.resolve("frozen");
    CliTestSupport.Result r3 = CliTestSupport.run("train", "--model-config", modelConfig.toString(), "--data",
        data.toString(), "--out", run3.toString(), "--epochs", "1", "--max-steps", "2", "--batch", "2", "--threads", "1",
        "--val-samples", "0", "--cache", tmp.resolve("cache").toString(), "--lr", "3e-3", "--warmup", "0",
        "--finding-loss", "1", "--vision-init", enc.toString(), "--freeze-vision");
    assertEquals(0, r3.exitCode(), r3.err());
    try (NDManager m = NDManager.newBaseManager(); TensorSource a = Safetensors.open(enc);
        TensorSource b = Safetensors.open(run3.resolve("model/model.safetensors"))) {
      int movedProjector = 0;
      for (String name : a.names()) {
        float[] before = a.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
        float[] after = b.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
        if (name.startsWith("vision_tower.")) {
          assertArrayEquals(before, after, 0f, name + " moved although the vision side is frozen");
        } else if (name.startsWith("mm_projector.") && !java.util.Arrays.equals(before, after)) {
          movedProjector++;
        }
      }
      assertTrue(movedProjector > 0, "the projector should still train");
    }
    assertTrue(Files.readString(run3.resolve(TrainRun.RUN_OPTIONS_FILE)).contains("\"freeze_vision\":true"));
    // --finding-token: the loaded head (frozen with the encoder) feeds one more image embedding
    Path run4 = tmp.resolve("finding-token");
    CliTestSupport.Result r4 = CliTestSupport.run("train", "--model-config", modelConfig.toString(), "--data",
        data.toString(), "--out", run4.toString(), "--epochs", "1", "--max-steps", "2", "--batch", "2", "--threads", "1",
        "--val-samples", "0", "--cache", tmp.resolve("cache").toString(), "--lr", "3e-3", "--warmup", "0",
        "--vision-init", enc.toString(), "--freeze-vision", "--standardize-tokens", "--finding-token");
    assertEquals(0, r4.exitCode(), r4.err());
    MultimodalConfig cfg4 = MultimodalConfig.load(run4.resolve("model/config.json"));
    assertTrue(cfg4.findingToken());
    assertEquals(cfg.findingLabels(), cfg4.findingLabels());
    assertEquals(9, cfg4.imageTokens());
    try (NDManager m = NDManager.newBaseManager(); TensorSource a = Safetensors.open(enc);
        TensorSource b = Safetensors.open(run4.resolve("model/model.safetensors"))) {
      for (String name : a.names()) {
        if (name.startsWith("vision_tower.") || name.startsWith("finding_head.")) {
          assertArrayEquals(a.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(),
              b.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(), 0f, name + " moved");
        }
      }
      assertTrue(b.names().contains("finding_token.weight"), b.names().toString());
    }
    // it generates
    Path scan = DatasetLoader.load(data, DatasetLoader.Options.defaults()).split(Split.TRAIN).get(0).image();
    try (RunPredictor p = RunPredictor.open(run4, Decoding.DEFAULT.withReportMaxNewTokens(8),
        new RunPredictor.Options())) {
      assertEquals(1, p.reports(scan, java.util.Set.of(org.scribe3d.data.Region.CHEST)).size());
    }
    // --finding-hints: the loaded head's diagnosis in words in front of every prompt, in training and generation
    Path hintConfig = hintModelConfig(cfg.findingLabels(), tmp.resolve("micro-hints.json"));
    Path run5 = tmp.resolve("finding-hints");
    CliTestSupport.Result r5 = CliTestSupport.run("train", "--model-config", hintConfig.toString(), "--data",
        data.toString(), "--out", run5.toString(), "--epochs", "1", "--max-steps", "2", "--batch", "2", "--threads", "1",
        "--val-samples", "2", "--cache", tmp.resolve("cache").toString(), "--lr", "3e-3", "--warmup", "0",
        "--vision-init", enc.toString(), "--freeze-vision", "--finding-hints");
    assertEquals(0, r5.exitCode(), r5.err());
    assertTrue((r5.out() + r5.err()).contains("finding hints: the head's diagnosis in front of every prompt"),
        r5.out() + r5.err());
    assertTrue(Files.isRegularFile(RunDirectory.of(run5).findingHints()));
    assertTrue(Files.readString(run5.resolve(TrainRun.RUN_OPTIONS_FILE)).contains("\"finding_hints\":true"));
    assertEquals(cfg.findingLabels(), MultimodalConfig.load(run5.resolve("model/config.json")).findingLabels());
    try (RunPredictor p = RunPredictor.open(run5, Decoding.DEFAULT.withReportMaxNewTokens(8), new RunPredictor.Options())) {
      // the hint is the head's probabilities in words, recomputed from the saved (frozen) head
      java.util.Map<String, Double> probs = p.findingProbabilities(List.of(scan)).get(0);
      float[] pr = new float[cfg.findingLabels().size()];
      for (int i = 0; i < pr.length; i++) {
        pr[i] = probs.get(cfg.findingLabels().get(i)).floatValue();
      }
      JsonObject th = com.google.gson.JsonParser.parseString(Files.readString(RunDirectory.of(run5).findingHints()))
          .getAsJsonObject().getAsJsonObject("thresholds");
      assertTrue(th.keySet().stream().allMatch(l -> l.startsWith("type:")), th.toString());
      double[] thresholds = org.scribe3d.prompt.HintThresholds.read(RunDirectory.of(run5).findingHints(),
          cfg.findingLabels());
      assertEquals(org.scribe3d.prompt.FindingHint.of(cfg.findingLabels(), pr, 0, thresholds), p.hint(scan));
      assertEquals(1, p.reports(scan, java.util.Set.of(org.scribe3d.data.Region.CHEST)).size());
    }
    try (RunPredictor p = RunPredictor.open(run3)) {
      assertNull(p.hint(scan));
    }
    for (String[] bad : new String[][] {{"--finding-hints"}, {"--finding-hints", "--freeze-vision", "--blind"}}) {
      List<String> a = new ArrayList<>(List.of("train", "--model-config", hintConfig.toString(), "--data",
          data.toString(), "--out", tmp.resolve("bad-hints").toString(), "--max-steps", "1", "--cache",
          tmp.resolve("cache").toString(), "--vision-init", enc.toString()));
      a.addAll(List.of(bad));
      CliTestSupport.Result b = CliTestSupport.run(a.toArray(String[]::new));
      assertEquals(1, b.exitCode(), b.err());
      assertTrue(b.err().contains("--finding-hints needs --vision-init") && b.err().strip().lines().count() == 1,
          b.err());
    }
    // a model config whose vocabulary lacks the hint words is refused before training
    CliTestSupport.Result noWords = CliTestSupport.run("train", "--model-config", modelConfig.toString(), "--data",
        data.toString(), "--out", tmp.resolve("hints-no-words").toString(), "--max-steps", "1", "--threads", "1",
        "--cache", tmp.resolve("cache").toString(), "--vision-init", enc.toString(), "--freeze-vision",
        "--finding-hints");
    assertEquals(1, noWords.exitCode(), noWords.err());
    List<String> errLines = noWords.err().strip().lines().filter(l -> l.startsWith("error: ")).toList();
    assertTrue(errLines.size() == 1 && errLines.get(0).contains("cannot write the finding hints"), noWords.err());
    CliTestSupport.Result noHead = CliTestSupport.run(args(tmp.resolve("token-without-head"), "--max-steps", "1",
        "--finding-token").toArray(String[]::new));
    assertEquals(1, noHead.exitCode(), noHead.err());
    assertTrue(noHead.err().contains("--finding-token reads a trained finding head")
        && noHead.err().strip().lines().count() == 1, noHead.err());
    for (String[] badInit : new String[][] {{"--vision-init", tmp.resolve("nothing.safetensors").toString()},
        {"--vision-init", data.toString()}, {"--preset", "tiny", "--vision-init", enc.toString()}}) {
      List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out",
          tmp.resolve("badinit").toString(), "--max-steps", "1", "--cache", tmp.resolve("cache").toString()));
      a.addAll(List.of(badInit));
      if (badInit.length == 2) {
        a.addAll(List.of("--model-config", modelConfig.toString()));
      }
      CliTestSupport.Result b = CliTestSupport.run(a.toArray(String[]::new));
      assertEquals(1, b.exitCode(), b.err());
      assertTrue(b.err().startsWith("error: ") && b.err().strip().lines().count() == 1, b.err());
      assertTrue(b.err().contains("no pretrained encoder file") || b.err().contains("has no pretrain/encoder")
          || b.err().contains("holds an encoder for a ViT3D"), b.err());
    }

    CliTestSupport.Result bad = CliTestSupport.run(args(tmp.resolve("nohead"), "--pretrain-epochs", "1")
        .toArray(String[]::new));
    assertEquals(1, bad.exitCode());
    assertTrue(bad.err().contains("--pretrain-epochs needs a finding head"), bad.err());
  }

  /**
   * {@code --standardize-tokens}: the run's config says so, the saved model holds statistics that make the
   * training scans' tokens mean 0 and std 1 per element, an encoder file leaves them out, and a resume
   * that asks for it on a run started without is one error line.
   */
  @Test
  void standardizedImageTokens() throws Exception {
    Path run = tmp.resolve("standardized");
    CliTestSupport.Result r = CliTestSupport.run(args(run, "--standardize-tokens", "--freeze-vision", "--max-steps",
        "2", "--finding-loss", "1").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    List<Path> scans = DatasetLoader.load(data, DatasetLoader.Options.defaults()).split(Split.TRAIN).stream()
        .map(c -> c.image()).toList();
    assertTrue((r.out() + r.err()).contains("image tokens: standardised with the statistics of " + scans.size()
        + " training scans"), r.out() + r.err());
    assertTrue(MultimodalConfig.load(run.resolve("model/config.json")).standardizeTokens());
    try (RunPredictor p = RunPredictor.open(run)) {
      MultimodalModel mm = p.model();
      int n = scans.size();
      double[] sum = null;
      double[] sq = null;
      double[] rawSq = null;
      double[] rawSum = null;
      try (NDManager m = NDManager.newBaseManager()) {
        for (Path scan : scans) {
          int[] dhw = {mm.config().vision().depth(), mm.config().vision().height(), mm.config().vision().width()};
          ai.djl.ndarray.NDArray tokens = mm.vision().forward(m.create(p.preprocess(scan),
              new ai.djl.ndarray.types.Shape(1, 1, dhw[0], dhw[1], dhw[2])));
          float[] raw = tokens.toFloatArray();
          float[] z = mm.projector().standardize(tokens).toFloatArray();
          if (sum == null) {
            sum = new double[z.length];
            sq = new double[z.length];
            rawSum = new double[z.length];
            rawSq = new double[z.length];
          }
          for (int i = 0; i < z.length; i++) {
            sum[i] += z[i] / n;
            sq[i] += (double) z[i] * z[i] / n;
            rawSum[i] += raw[i] / n;
            rawSq[i] += (double) raw[i] * raw[i] / n;
          }
        }
      }
      int spread = 0;
      for (int i = 0; i < sum.length; i++) {
        assertEquals(0, sum[i], 2e-3, "mean of standardised element " + i);
        double rawVar = rawSq[i] - rawSum[i] * rawSum[i];
        if (rawVar > 1e-2) { // var / (var + eps) ≈ 1 unless the element hardly varies
          assertEquals(1, Math.sqrt(sq[i] - sum[i] * sum[i]), 2e-3, "std of standardised element " + i);
          spread++;
        }
      }
      assertTrue(spread > sum.length / 10, spread + " of " + sum.length + " elements vary across the scans");
      // the statistics belong to this run's scans: an encoder file does not carry them, and loads without them
      Path enc = tmp.resolve("standardized-encoder.safetensors");
      org.scribe3d.model.multimodal.EncoderFile.save(mm, enc, java.util.Map.of());
      try (TensorSource src = Safetensors.open(enc)) {
        assertTrue(src.names().stream().noneMatch(x -> x.contains("token_")), src.names().toString());
      }
      try (NDManager m = NDManager.newBaseManager()) {
        MultimodalModel fresh = new MultimodalModel(mm.config(), m, ai.djl.ndarray.types.DataType.FLOAT32, 1);
        org.scribe3d.model.multimodal.EncoderFile.load(fresh, enc);
      }
    }
    Path plain = tmp.resolve("plain-then-standardized");
    assertEquals(0, CliTestSupport.run(args(plain, "--max-steps", "1").toArray(String[]::new)).exitCode());
    CliTestSupport.Result bad = CliTestSupport.run(args(plain, "--max-steps", "2", "--resume", "--standardize-tokens")
        .toArray(String[]::new));
    assertEquals(1, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("started without --standardize-tokens") && bad.err().strip().lines().count() == 1,
        bad.err());
    // --token-noise: in units of the standardised tokens, so only with them; a resume must repeat it
    CliTestSupport.Result noStd = CliTestSupport.run(args(tmp.resolve("noise-alone"), "--max-steps", "1",
        "--token-noise", "1").toArray(String[]::new));
    assertEquals(1, noStd.exitCode(), noStd.err());
    assertTrue(noStd.err().contains("needs --standardize-tokens") && noStd.err().strip().lines().count() == 1,
        noStd.err());
    Path noisy = tmp.resolve("noisy");
    CliTestSupport.Result n = CliTestSupport.run(args(noisy, "--max-steps", "1", "--standardize-tokens",
        "--freeze-vision", "--token-noise", "0.5").toArray(String[]::new));
    assertEquals(0, n.exitCode(), n.err());
    CliTestSupport.Result other = CliTestSupport.run(args(noisy, "--max-steps", "2", "--standardize-tokens",
        "--freeze-vision", "--token-noise", "1", "--resume").toArray(String[]::new));
    assertEquals(1, other.exitCode(), other.err());
    assertTrue(other.err().contains("token_noise 0.5 (now 1.0)"), other.err());
    CliTestSupport.Result badDropout = CliTestSupport.run(args(tmp.resolve("dropout"), "--max-steps", "1",
        "--image-dropout", "1").toArray(String[]::new));
    assertEquals(1, badDropout.exitCode(), badDropout.err());
    assertTrue(badDropout.err().contains("--image-dropout must be in [0, 1)")
        && badDropout.err().strip().lines().count() == 1, badDropout.err());
  }

  /** The tiny preset with the conv vision stem trains, and its config says so; misuse is one error line. */
  @Test
  void convVisionStem() throws Exception {
    Path run = tmp.resolve("conv");
    CliTestSupport.Result r = CliTestSupport.run("train", "--preset", "tiny", "--vision-stem", "conv", "--data",
        data.toString(), "--out", run.toString(), "--epochs", "1", "--max-steps", "1", "--batch", "2", "--threads", "1",
        "--val-samples", "0", "--cache", tmp.resolve("cache").toString());
    assertEquals(0, r.exitCode(), r.err());
    MultimodalConfig cfg = MultimodalConfig.load(run.resolve("model/config.json"));
    assertEquals(ViTConfig.CONV_STEM, cfg.vision().stem());
    assertEquals(32, cfg.imageTokens());
    for (String[] bad : new String[][] {{"--vision-stem", "resnet"}, {"--preset", "paper", "--vision-stem", "conv"},
        {"--schedule", "linear"}}) {
      List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", tmp.resolve("bad").toString()));
      a.addAll(List.of(bad));
      CliTestSupport.Result b = CliTestSupport.run(a.toArray(String[]::new));
      assertEquals(2, b.exitCode(), b.err());
      assertTrue(b.err().contains(bad[bad.length - 2]) && b.err().strip().lines().count() == 1, b.err());
    }
    assertTrue(Files.notExists(tmp.resolve("bad")), "nothing is written for bad flags");
  }

  @Test
  void badInputIsOneErrorLine() {
    CliTestSupport.Result r = CliTestSupport.run("train", "--data", tmp.resolve("nope.json").toString(), "--out",
        tmp.resolve("x").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: ") && r.err().strip().lines().count() == 1, r.err());
    assertTrue(r.err().contains("nope.json"), r.err());
    CliTestSupport.Result w = CliTestSupport.run("train", "--data", data.toString(), "--out",
        tmp.resolve("y").toString(), "--warmup", "2");
    assertEquals(2, w.exitCode());
    assertTrue(w.err().contains("--warmup"), w.err());
    CliTestSupport.Result f = CliTestSupport.run("train", "--data", data.toString(), "--out",
        tmp.resolve("z").toString(), "--finding-loss", "-1");
    assertEquals(1, f.exitCode());
    assertTrue(f.err().contains("--finding-loss must be ≥ 0") && f.err().strip().lines().count() == 1, f.err());
    assertTrue(Files.notExists(tmp.resolve("z")), "nothing is written for bad flags");
  }

  static Process child(List<String> args, Path log) throws Exception {
    // The default collector on purpose: a GC between forward and backward once corrupted gradients
    // (DJL's mul(Number) freeing a scalar autograd held; see model.nn.Scalars), so resumption is
    // checked with collections running.
    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }
}
