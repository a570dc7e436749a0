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
import org.scribe3d.io.FileTrees;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.recipe.RecipeFiles;
import org.scribe3d.model.multimodal.ReleasedLayouts;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.train.CheckpointStore;
import org.scribe3d.train.CorpusVocabulary;
import org.scribe3d.train.MetricsLog;

/**
 * {@code scribe3d train} on a 4-case phantom set with a micro model (the tiny preset's layout at toy
 * widths, so a step takes milliseconds): a normal run, bad input, and the resume guarantee — a
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
      vocab = CorpusVocabulary.of(TextTokenizer.of(tok), Examples.expandAll(ds.split(Split.TRAIN)),
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
    List<String> a = new ArrayList<>(List.of("train", "--set", "model.config=" + modelConfig, "--data",
        data.toString(), "--out", out.toString(), "--epochs", "3", "--batch", "2", "--threads", "1",
        "--checkpoint-every", "2", "--set", "validation.samples=4", "--cache", tmp.resolve("cache").toString(), "--lr",
        "3e-3"));
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
      VocabMap hv = CorpusVocabulary.of(TextTokenizer.of(tok), tr, va, CorpusVocabulary.hintTexts(labels, tr, va),
          new long[0]);
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
   * {@code image.box_loss} adds a dense head trained on the phantom's finding boxes in vision pretraining; a hint run
   * from that encoder carries the head over and names lesions with their locations.
   */
  @Test
  void boxLossTrainsADenseHeadThatHintRunsCarry() throws Exception {
    Path run = tmp.resolve("boxes");
    CliTestSupport.Result r = CliTestSupport.run(args(run, "--set", "image.finding_loss=1", "--set",
        "image.pretrain_epochs=1", "--set", "image.box_loss=1", "--set", "optim.max_steps=1").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue((r.out() + r.err()).contains("dense finding head: "), r.out() + r.err());
    MultimodalConfig cfg = MultimodalConfig.load(run.resolve("model/config.json"));
    assertNotNull(cfg.denseLabels());
    assertTrue(cfg.findingLabels().containsAll(cfg.denseLabels()) && cfg.denseLabels().stream()
        .noneMatch(l -> l.startsWith("count:")), cfg.denseLabels().toString());
    Path enc = RunDirectory.of(run).pretrainedEncoder();
    try (org.scribe3d.checkpoint.TensorSource src = org.scribe3d.checkpoint.Safetensors.open(enc)) {
      assertTrue(src.names().contains("finding_dense.weight"), src.names().toString());
    }
    Path hinted = tmp.resolve("boxes-hints");
    CliTestSupport.Result h = CliTestSupport.run("train", "--set", "model.config="
        + hintModelConfig(cfg.findingLabels(), tmp.resolve("micro-box-hints.json")), "--data",
        data.toString(), "--out", hinted.toString(), "--epochs", "1", "--set", "optim.max_steps=1", "--batch", "2",
        "--threads", "1", "--set", "validation.samples=2", "--cache", tmp.resolve("cache").toString(), "--set",
        "init.vision=" + enc, "--set", "trainable.vision=frozen", "--set", "prompts.finding_hints=true");
    assertEquals(0, h.exitCode(), h.err());
    assertEquals(cfg.denseLabels(), MultimodalConfig.load(hinted.resolve("model/config.json")).denseLabels());
    Path scan = DatasetLoader.load(data, DatasetLoader.Options.defaults()).split(Split.TRAIN).get(0).image();
    try (RunPredictor p = RunPredictor.open(hinted)) {
      assertTrue(p.hint(scan).startsWith(org.scribe3d.prompt.FindingHint.PREFIX), p.hint(scan));
    }
    // a recipe check now: refused before anything is read, as a usage error
    CliTestSupport.Result bad = CliTestSupport.run(args(tmp.resolve("boxes-bad"), "--set", "image.finding_loss=1",
        "--set", "image.box_loss=1").toArray(String[]::new));
    assertEquals(2, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("recipe key image.box_loss: trains the dense finding head in vision pretraining")
        && bad.err().strip().lines().count() == 1, bad.err());
    CliTestSupport.Result noHead = CliTestSupport.run(args(tmp.resolve("boxes-nohead"), "--set",
        "image.pretrain_epochs=1", "--set", "image.box_loss=1").toArray(String[]::new));
    assertEquals(1, noHead.exitCode(), noHead.err());
    assertTrue(noHead.err().contains("image.box_loss needs a finding head")
        && noHead.err().strip().lines().count() == 1, noHead.err());
  }

  /**
   * {@code image.finding_loss} adds the report-label head; {@code image.pretrain_epochs} first trains encoder,
   * projector and head alone (the language model stays exactly as initialised), in RUN/pretrain/.
   */
  @Test
  void findingHeadAndVisionPretraining() throws Exception {
    Path run = tmp.resolve("head");
    CliTestSupport.Result r = CliTestSupport.run(args(run, "--set", "image.finding_loss=1", "--set",
        "image.pretrain_epochs=2").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue((r.out() + r.err()).contains("pretrain: vision encoder"), r.out() + r.err());
    MultimodalConfig cfg = MultimodalConfig.load(run.resolve("model/config.json"));
    assertNotNull(cfg.findingLabels());
    assertTrue(cfg.findingLabels().stream().anyMatch(l -> l.startsWith("type:")), cfg.findingLabels().toString());
    assertTrue(MetricsLog.read(run.resolve("pretrain/metrics.jsonl")).stream().filter(l -> !l.has("kind")).count() >= 2);

    CheckpointStore.Checkpoint ck = new CheckpointStore(run.resolve("pretrain"), 2).latest().orElseThrow();
    try (NDManager m = NDManager.newBaseManager()) {
      java.util.Map<String, ai.djl.ndarray.NDArray> after = ck.model(m);
      MultimodalModel init = new MultimodalModel(MultimodalConfig.load(RunDirectory.of(run).modelConfig()), m,
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
    // a resume trains the recipe it started with: another value is refused, naming the key
    CliTestSupport.Result other = CliTestSupport.run(args(run, "--set", "image.finding_loss=2", "--set",
        "image.pretrain_epochs=2", "--resume").toArray(String[]::new));
    assertEquals(1, other.exitCode(), other.err());
    assertTrue(other.err().contains("cannot resume") && other.err().contains("image.finding_loss 1.0 (now 2.0)")
        && other.err().strip().lines().count() == 1, other.err());

    // the pretrained image side as a file, and a new run that starts from it
    Path enc = RunDirectory.of(run).pretrainedEncoder();
    assertTrue(Files.isRegularFile(enc), enc + " missing");
    Path run2 = tmp.resolve("from-encoder");
    // lr 0 is refused by the recipe checks; the one step of a one-step run is inside the 10 % warmup: lr 0 there
    CliTestSupport.Result r2 = CliTestSupport.run("train", "--set", "model.config=" + modelConfig, "--data",
        data.toString(), "--out", run2.toString(), "--epochs", "1", "--set", "optim.max_steps=1", "--batch", "2",
        "--threads", "1", "--set", "validation.samples=0", "--cache", tmp.resolve("cache").toString(), "--lr", "3e-3",
        "--set", "optim.warmup=0.1", "--set", "image.finding_loss=1", "--set", "init.vision=" + run);
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
    assertEquals(RunDirectory.of(run).readRecipe().data.pipeline, RunDirectory.of(run2).readRecipe().data.pipeline);
    // trainable.vision frozen: a real step moves the projector and head, not the encoder
    Path run3 = tmp.resolve("frozen");
    CliTestSupport.Result r3 = CliTestSupport.run("train", "--set", "model.config=" + modelConfig, "--data",
        data.toString(), "--out", run3.toString(), "--epochs", "1", "--set", "optim.max_steps=2", "--batch", "2",
        "--threads", "1", "--set", "validation.samples=0", "--cache", tmp.resolve("cache").toString(), "--lr", "3e-3",
        "--set", "optim.warmup=0", "--set", "image.finding_loss=1", "--set", "init.vision=" + enc, "--set",
        "trainable.vision=frozen");
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
    assertEquals(Recipe.FROZEN, RunDirectory.of(run3).readRecipe().trainable.vision);
    // a frozen encoder with standardised tokens : the encoder stays as loaded
    Path run4 = tmp.resolve("frozen-standardized");
    CliTestSupport.Result r4 = CliTestSupport.run("train", "--set", "model.config=" + modelConfig, "--data",
        data.toString(), "--out", run4.toString(), "--epochs", "1", "--set", "optim.max_steps=2", "--batch", "2",
        "--threads", "1", "--set", "validation.samples=0", "--cache", tmp.resolve("cache").toString(), "--lr", "3e-3",
        "--set", "optim.warmup=0", "--set", "init.vision=" + enc, "--set", "trainable.vision=frozen", "--set",
        "image.standardize_tokens=true");
    assertEquals(0, r4.exitCode(), r4.err());
    MultimodalConfig cfg4 = MultimodalConfig.load(run4.resolve("model/config.json"));
    assertTrue(cfg4.standardizeTokens());
    assertEquals(8, cfg4.imageTokens());
    try (NDManager m = NDManager.newBaseManager(); TensorSource a = Safetensors.open(enc);
        TensorSource b = Safetensors.open(run4.resolve("model/model.safetensors"))) {
      for (String name : a.names()) {
        if (name.startsWith("vision_tower.")) {
          assertArrayEquals(a.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(),
              b.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(), 0f, name + " moved");
        }
      }
      assertTrue(b.names().stream().noneMatch(n -> n.startsWith("finding_token")), b.names().toString());
    }
    // it generates
    Path scan = DatasetLoader.load(data, DatasetLoader.Options.defaults()).split(Split.TRAIN).get(0).image();
    try (RunPredictor p = RunPredictor.open(run4, Decoding.DEFAULT.withReportMaxNewTokens(8),
        new RunPredictor.Options())) {
      assertEquals(1, p.reports(scan, java.util.Set.of(org.scribe3d.data.Region.CHEST)).size());
    }
    // prompts.finding_hints: the loaded head's diagnosis in words in front of every prompt, in training and generation
    Path hintConfig = hintModelConfig(cfg.findingLabels(), tmp.resolve("micro-hints.json"));
    Path run5 = tmp.resolve("finding-hints");
    CliTestSupport.Result r5 = CliTestSupport.run("train", "--set", "model.config=" + hintConfig, "--data",
        data.toString(), "--out", run5.toString(), "--epochs", "1", "--set", "optim.max_steps=2", "--batch", "2",
        "--threads", "1", "--set", "validation.samples=2", "--cache", tmp.resolve("cache").toString(), "--lr", "3e-3",
        "--set", "optim.warmup=0", "--set", "init.vision=" + enc, "--set", "trainable.vision=frozen", "--set",
        "prompts.finding_hints=true");
    assertEquals(0, r5.exitCode(), r5.err());
    assertTrue((r5.out() + r5.err()).contains("finding hints: the head's diagnosis in front of every prompt"),
        r5.out() + r5.err());
    assertTrue(Files.isRegularFile(RunDirectory.of(run5).findingHints()));
    assertTrue(RunDirectory.of(run5).readRecipe().prompts.findingHints);
    assertEquals(cfg.findingLabels(), MultimodalConfig.load(run5.resolve("model/config.json")).findingLabels());
    // the loaded head is frozen with the encoder (no finding loss trains it)
    try (NDManager m = NDManager.newBaseManager(); TensorSource a = Safetensors.open(enc);
        TensorSource b = Safetensors.open(run5.resolve("model/model.safetensors"))) {
      int frozen = 0;
      for (String name : a.names()) {
        if (name.startsWith("vision_tower.") || name.startsWith("finding_head.")) {
          assertArrayEquals(a.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(),
              b.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(), 0f, name + " moved");
          frozen += name.startsWith("finding_head.") ? 1 : 0;
        }
      }
      assertTrue(frozen > 0, a.names().toString());
    }
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
    for (String[] bad : new String[][] {{"--set", "prompts.finding_hints=true"}, {"--set",
        "prompts.finding_hints=true", "--set", "trainable.vision=frozen", "--set", "image.blind=true"}}) {
      List<String> a = new ArrayList<>(List.of("train", "--set", "model.config=" + hintConfig, "--data",
          data.toString(), "--out", tmp.resolve("bad-hints").toString(), "--set", "optim.max_steps=1", "--cache",
          tmp.resolve("cache").toString(), "--set", "init.vision=" + enc));
      a.addAll(List.of(bad));
      CliTestSupport.Result b = CliTestSupport.run(a.toArray(String[]::new));
      assertEquals(2, b.exitCode(), b.err());
      assertTrue(b.err().contains("recipe key prompts.finding_hints: needs init.vision")
          && b.err().strip().lines().count() == 1, b.err());
    }
    assertTrue(Files.notExists(tmp.resolve("bad-hints")), "nothing is written for a bad recipe");
    // a model config whose vocabulary lacks the hint words is refused before training
    CliTestSupport.Result noWords = CliTestSupport.run("train", "--set", "model.config=" + modelConfig, "--data",
        data.toString(), "--out", tmp.resolve("hints-no-words").toString(), "--set", "optim.max_steps=1", "--threads",
        "1", "--cache", tmp.resolve("cache").toString(), "--set", "init.vision=" + enc, "--set",
        "trainable.vision=frozen", "--set", "prompts.finding_hints=true");
    assertEquals(1, noWords.exitCode(), noWords.err());
    List<String> errLines = noWords.err().strip().lines().filter(l -> l.startsWith("error: ")).toList();
    assertTrue(errLines.size() == 1 && errLines.get(0).contains("cannot write the finding hints"), noWords.err());
    for (String[] badInit : new String[][] {{"--set", "init.vision=" + tmp.resolve("nothing.safetensors")},
        {"--set", "init.vision=" + data}, {"--set", "model.preset=tiny", "--set", "init.vision=" + enc}}) {
      List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out",
          tmp.resolve("badinit").toString(), "--set", "optim.max_steps=1", "--cache", tmp.resolve("cache").toString()));
      a.addAll(List.of(badInit));
      if (badInit.length == 2) {
        a.addAll(List.of("--set", "model.config=" + modelConfig));
      }
      CliTestSupport.Result b = CliTestSupport.run(a.toArray(String[]::new));
      assertEquals(1, b.exitCode(), b.err());
      assertTrue(b.err().startsWith("error: ") && b.err().strip().lines().count() == 1, b.err());
      assertTrue(b.err().contains("no pretrained encoder file") || b.err().contains("has no pretrain/encoder")
          || b.err().contains("holds an encoder for a ViT3D"), b.err());
    }

    CliTestSupport.Result bad = CliTestSupport.run(args(tmp.resolve("nohead"), "--set", "image.pretrain_epochs=1")
        .toArray(String[]::new));
    assertEquals(1, bad.exitCode());
    assertTrue(bad.err().contains("image.pretrain_epochs needs a finding head"), bad.err());
  }

  /**
   * {@code image.standardize_tokens}: the run's config says so, the saved model holds statistics that make the
   * training scans' tokens mean 0 and std 1 per element, an encoder file leaves them out, and a resume
   * that asks for it on a run started without is one error line.
   */
  @Test
  void standardizedImageTokens() throws Exception {
    Path run = tmp.resolve("standardized");
    CliTestSupport.Result r = CliTestSupport.run(args(run, "--set", "image.standardize_tokens=true", "--set",
        "trainable.vision=frozen", "--set", "optim.max_steps=2", "--set", "image.finding_loss=1")
        .toArray(String[]::new));
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
    assertEquals(0, CliTestSupport.run(args(plain, "--set", "optim.max_steps=1").toArray(String[]::new)).exitCode());
    CliTestSupport.Result bad = CliTestSupport.run(args(plain, "--set", "optim.max_steps=2", "--resume", "--set",
        "image.standardize_tokens=true").toArray(String[]::new));
    assertEquals(1, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("started without image.standardize_tokens")
        && bad.err().strip().lines().count() == 1, bad.err());
  }

  /** The tiny preset with the conv vision stem trains, and its config says so; misuse is one error line. */
  @Test
  void convVisionStem() throws Exception {
    Path run = tmp.resolve("conv");
    CliTestSupport.Result r = CliTestSupport.run("train", "--set", "model.preset=tiny", "--set",
        "model.vision_stem=conv", "--data", data.toString(), "--out", run.toString(), "--epochs", "1", "--set",
        "optim.max_steps=1", "--batch", "2", "--threads", "1", "--set", "validation.samples=0", "--cache",
        tmp.resolve("cache").toString());
    assertEquals(0, r.exitCode(), r.err());
    MultimodalConfig cfg = MultimodalConfig.load(run.resolve("model/config.json"));
    assertEquals(ViTConfig.CONV_STEM, cfg.vision().stem());
    assertEquals(32, cfg.imageTokens());
    for (String[] bad : new String[][] {{"--set", "model.vision_stem=resnet"}, {"--set", "model.preset=paper",
        "--set", "model.vision_stem=conv"}, {"--set", "optim.schedule=linear"}}) {
      List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", tmp.resolve("bad").toString()));
      a.addAll(List.of(bad));
      CliTestSupport.Result b = CliTestSupport.run(a.toArray(String[]::new));
      assertEquals(2, b.exitCode(), b.err());
      String key = bad[bad.length - 1].substring(0, bad[bad.length - 1].indexOf('='));
      assertTrue(b.err().contains("recipe key " + key + ": ") && b.err().strip().lines().count() == 1, b.err());
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
        tmp.resolve("y").toString(), "--set", "optim.warmup=2");
    assertEquals(2, w.exitCode());
    assertTrue(w.err().contains("recipe key optim.warmup: must be in [0, 1]"), w.err());
    CliTestSupport.Result f = CliTestSupport.run("train", "--data", data.toString(), "--out",
        tmp.resolve("z").toString(), "--set", "image.finding_loss=-1");
    assertEquals(2, f.exitCode());
    assertTrue(f.err().contains("recipe key image.finding_loss: must be a finite number >= 0")
        && f.err().strip().lines().count() == 1, f.err());
    assertTrue(Files.notExists(tmp.resolve("z")), "nothing is written for bad flags");
  }

  /** The value at a dotted recipe key of a recorded recipe.json ({@code optim.lr}). */
  static com.google.gson.JsonElement at(JsonObject recipe, String key) {
    com.google.gson.JsonElement e = recipe;
    for (String part : key.split("\\.")) {
      assertTrue(e.isJsonObject() && e.getAsJsonObject().has(part), key + " missing from " + recipe);
      e = e.getAsJsonObject().get(part);
    }
    return e;
  }

  static void oneErrorLine(CliTestSupport.Result r, int exitCode, String... parts) {
    assertEquals(exitCode, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().strip().lines().count() == 1, r.err());
    for (String part : parts) {
      assertTrue(r.err().contains(part), "expected '" + part + "' in " + r.err());
    }
  }

  /**
   * {@code --recipe FILE}: its paths are relative to the file, {@code --set} overrides it, and the run records the
   * recipe resolved as RUN/recipe.json: every key of the schema, the learning rate and adapters as the run resolved
   * them, paths absolute, and the preprocessing pipeline inline.
   */
  @Test
  void recipeFileRunRecordsTheResolvedRecipe() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("recipe-files"));
    Files.copy(modelConfig, dir.resolve("micro.json"));
    Path file = dir.resolve("small.json");
    Files.writeString(file, """
        {
          "name": "small",
          "model": {"config": "micro.json"},
          "optim": {"epochs": 1, "batch": 2, "warmup": 0, "seed": 5},
          "data": {"augment": false, "cache": "../cache"},
          "validation": {"samples": 0}
        }
        """);
    Path run = tmp.resolve("from-recipe");
    CliTestSupport.Result r = CliTestSupport.run("train", "--recipe", file.toString(), "--set", "optim.max_steps=1",
        "--data", data.toString(), "--out", run.toString(), "--threads", "1");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("trained 1 of 1 steps"), r.out());
    JsonObject rec = com.google.gson.JsonParser.parseString(Files.readString(RunDirectory.of(run).recipe()))
        .getAsJsonObject();
    for (String key : RecipeFiles.keys()) {
      at(rec, key); // every key of the schema is recorded
    }
    assertEquals("small", rec.get("name").getAsString());
    assertEquals(dir.resolve("micro.json").toAbsolutePath().normalize().toString(),
        at(rec, "model.config").getAsString(), "a path in a recipe file is relative to the file");
    assertEquals(tmp.resolve("cache").toAbsolutePath().normalize().toString(), at(rec, "data.cache").getAsString());
    assertEquals(1e-3, at(rec, "optim.lr").getAsDouble(), 0, "the tiny preset's default rate, resolved");
    assertEquals(1, at(rec, "optim.max_steps").getAsLong(), "the --set value");
    assertEquals(1, at(rec, "optim.epochs").getAsInt());
    assertEquals(5, at(rec, "optim.seed").getAsLong());
    assertEquals(0, at(rec, "trainable.lora.r").getAsInt(), "no adapters, resolved");
    assertEquals("patch", at(rec, "model.vision_stem").getAsString());
    com.google.gson.JsonElement pipeline = at(rec, "data.pipeline");
    assertTrue(pipeline.isJsonArray() || pipeline.isJsonObject(), pipeline.toString());
    ViTConfig v = MultimodalConfig.load(modelConfig).vision();
    assertEquals(org.scribe3d.volume.Pipeline.defaults(new int[] {v.depth(), v.height(), v.width()}, null, true,
        true).toJson(), org.scribe3d.volume.Pipeline.parse(pipeline.toString(), "data.pipeline").toJson(),
        "data.augment false: the default pipeline, recorded inline");
    Recipe back = RunDirectory.of(run).readRecipe();
    assertEquals(rec, RecipeFiles.toJson(back), "recipe.json reads back as itself");
    // the same run again with the recorded recipe as its file (paths absolute): nothing to resolve differently
    Path again = tmp.resolve("from-recorded-recipe");
    CliTestSupport.Result r2 = CliTestSupport.run("train", "--recipe", RunDirectory.of(run).recipe().toString(),
        "--data", data.toString(), "--out", again.toString(), "--threads", "1");
    assertEquals(0, r2.exitCode(), r2.err());
    assertEquals(List.of(), RecipeFiles.differences(back, RunDirectory.of(again).readRecipe()));
  }

  /**
   * init.vision names an M3D-CLIP release directory (vision under vision_encoder.*, a BERT text encoder and
   * contrastive projections beside it): its encoder becomes the model's vision tower, exactly (frozen here, so the
   * trained run still holds it), and an encoder of other sizes is one error line naming both.
   */
  @Test
  void m3dClipReleaseInitialisesTheVisionTower() throws Exception {
    ViTConfig v = MultimodalConfig.load(modelConfig).vision();
    ReleasedLayouts.Sizes sizes = new ReleasedLayouts.Sizes(new int[] {v.depth(), v.height(), v.width()},
        new int[] {v.patchD(), v.patchH(), v.patchW()}, 2, 64, 2, 4, 2, 128);
    Path clip = tmp.resolve("m3d-clip");
    ReleasedLayouts.writeM3dClip(clip, sizes, v.hidden(), v.layers(), v.heads(), v.mlpDim(), 4);
    Path run = tmp.resolve("from-clip");
    CliTestSupport.Result r = CliTestSupport.run("train", "--set", "model.config=" + modelConfig, "--data",
        data.toString(), "--out", run.toString(), "--threads", "1", "--set", "optim.max_steps=1", "--set",
        "init.vision=" + clip, "--set", "trainable.vision=frozen", "--set", "validation.samples=0", "--cache",
        tmp.resolve("cache").toString());
    assertEquals(0, r.exitCode(), r.err());
    try (NDManager m = NDManager.newBaseManager();
        TensorSource theirs = Safetensors.open(clip);
        TensorSource ours = Safetensors.open(
            RunDirectory.of(run).model())) {
      int compared = 0;
      for (String n : theirs.names()) {
        if (!n.startsWith("vision_encoder.")) {
          continue;
        }
        String mine = "vision_tower." + n.substring("vision_encoder.".length());
        assertTrue(ours.names().contains(mine), mine + " not in the run's weights: " + ours.names());
        assertArrayEquals(theirs.load(n, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(),
            ours.load(mine, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(), 0f, mine);
        compared++;
      }
      assertTrue(compared >= 10, "vision tensors compared: " + compared);
    }
    Path wide = tmp.resolve("m3d-clip-wide");
    ReleasedLayouts.writeM3dClip(wide, sizes, 2 * v.hidden(), v.layers(), v.heads(), v.mlpDim(), 4);
    oneErrorLine(CliTestSupport.run("train", "--set", "model.config=" + modelConfig, "--data", data.toString(),
        "--out", tmp.resolve("from-wide-clip").toString(), "--threads", "1", "--set", "optim.max_steps=1", "--set",
        "init.vision=" + wide, "--cache", tmp.resolve("cache").toString()), 1, "M3D-CLIP", "hidden " + 2 * v.hidden(),
        "hidden " + v.hidden());
  }

  /** An unknown key, given with --set or in a recipe file, is one error line naming it and the closest key. */
  @Test
  void unknownRecipeKeyIsOneErrorLineWithTheClosestKey() throws Exception {
    Path out = tmp.resolve("unknown-key");
    oneErrorLine(CliTestSupport.run("train", "--data", data.toString(), "--out", out.toString(), "--set",
        "optim.lrr=1"), 2, "optim.lrr", "did you mean 'optim.lr'");
    Path file = tmp.resolve("typo-recipe.json");
    Files.writeString(file, "{\"optim\": {\"lrr\": 1}}\n");
    oneErrorLine(CliTestSupport.run("train", "--recipe", file.toString(), "--data", data.toString(), "--out",
        out.toString()), 2, "optim.lrr", "did you mean 'optim.lr'");
    Files.writeString(file, "{\"optimizer\": {\"lr\": 1}}\n");
    oneErrorLine(CliTestSupport.run("train", "--recipe", file.toString(), "--data", data.toString(), "--out",
        out.toString()), 2, "optimizer", "unknown recipe key");
    oneErrorLine(CliTestSupport.run("train", "--data", data.toString(), "--out", out.toString(), "--set",
        "optim"), 2, "--set", "key=value");
    oneErrorLine(CliTestSupport.run("train", "--recipe", tmp.resolve("no-such-recipe.json").toString(), "--data",
        data.toString(), "--out", out.toString()), 2, "--recipe", "no-such-recipe.json");
    oneErrorLine(CliTestSupport.run("train", "--recipe", "no-such-shipped-recipe", "--data", data.toString(),
        "--out", out.toString()), 2, "--recipe", "no-such-shipped-recipe", "m3d-paper");
    assertTrue(Files.notExists(out), "nothing is written for a bad recipe");
  }

  /** A value out of range or of the wrong kind is one error line naming the key (and the flag that sets it). */
  @Test
  void badRecipeValueIsOneErrorLineNamingTheKey() throws Exception {
    Path out = tmp.resolve("bad-value");
    String[][] cases = {
        {"optim.epochs=-1", "--epochs (optim.epochs): must be >= 0"},
        {"prompts.true_hints=2", "recipe key prompts.true_hints: must be in [0, 1]"},
        {"optim.lr=0", "--lr (optim.lr): must be a positive number"},
        {"data.augment=maybe", "recipe key data.augment: must be true or false"},
        {"optim.batch=two", "--batch (optim.batch): must be a number"},
        {"model.preset=huge", "recipe key model.preset: must be one of"},
        {"trainable.vision=half", "recipe key trainable.vision: must be full or frozen"},
        {"trainable.lora.dropout=1", "recipe key trainable.lora.dropout: must be in [0, 1)"}};
    for (String[] c : cases) {
      oneErrorLine(CliTestSupport.run("train", "--data", data.toString(), "--out", out.toString(), "--set", c[0]), 2,
          c[1]);
    }
    oneErrorLine(CliTestSupport.run("train", "--data", data.toString(), "--out", out.toString(), "--epochs", "-2"), 2,
        "--epochs (optim.epochs): must be >= 0");
    Path file = tmp.resolve("bad-value-recipe.json");
    Files.writeString(file, "{\"prompts\": {\"true_hints\": 2}}\n");
    oneErrorLine(CliTestSupport.run("train", "--recipe", file.toString(), "--data", data.toString(), "--out",
        out.toString()), 2, "recipe key prompts.true_hints: must be in [0, 1]");
    Files.writeString(file, "{\"optim\": {\"epochs\": \"many\"}}\n");
    oneErrorLine(CliTestSupport.run("train", "--recipe", file.toString(), "--data", data.toString(), "--out",
        out.toString()), 2, "--epochs (optim.epochs): must be a number");
    assertTrue(Files.notExists(out), "nothing is written for a bad recipe");
  }

  /** The shipped recipes load and pass the checks; m3d-paper is the paper's method as written. */
  @Test
  void shippedRecipesLoadAndPassTheChecks() throws Exception {
    for (String name : List.of("demo", "tiny-plain", "m3d-paper")) {
      Recipe byName = RecipeFiles.load(name, List.of());
      Path file = org.scribe3d.data.ProjectHome.file(RecipeFiles.SHIPPED_DIR + "/" + name + ".json").orElseThrow();
      Recipe byFile = RecipeFiles.load(file.toString(), List.of());
      assertEquals(RecipeFiles.toJson(byName), RecipeFiles.toJson(byFile), name);
      assertEquals(name, byName.name);
      assertTrue(!byName.description.isBlank(), name);
    }
    assertTrue(RecipeFiles.shippedNames().containsAll(List.of("demo", "tiny-plain", "m3d-paper")),
        RecipeFiles.shippedNames().toString());
    Recipe demo = RecipeFiles.load("demo", List.of());
    assertTrue(demo.freezeVision() && demo.image.standardizeTokens && demo.prompts.findingHints);
    assertEquals(1.0, demo.prompts.trueHints, 0);
    Path vision = Path.of(demo.init.vision);
    assertTrue(vision.isAbsolute() && vision.endsWith(Path.of("models", "tiny-encoder.safetensors")), vision.toString());
    assertTrue(Files.isRegularFile(vision), "the demo's encoder ships: " + vision);
    assertTrue(Path.of(demo.init.languageModel).endsWith(Path.of("models", "tiny-lm")), demo.init.languageModel);
    Recipe plain = RecipeFiles.load("tiny-plain", List.of());
    assertEquals(Recipe.FULL, plain.trainable.vision);
    assertTrue(!plain.image.standardizeTokens && !plain.prompts.findingHints && plain.image.findingLoss == 0);
    assertEquals(demo.init.vision, plain.init.vision);

    Recipe paper = RecipeFiles.load("m3d-paper", List.of());
    assertEquals("paper", paper.model.preset);
    assertEquals(Recipe.FULL, paper.trainable.vision);
    assertEquals(16, paper.trainable.lora.r);
    assertEquals(32, paper.trainable.lora.alpha, 0);
    assertEquals(0.05, paper.trainable.lora.dropout, 0);
    assertEquals(List.of("all-linear"), paper.trainable.lora.targetModules);
    assertEquals(1e-5, paper.lr(), 0);
    assertEquals(8, paper.optim.epochs);
    assertEquals(0, paper.optim.weightDecay, 0);
    assertEquals(0.1, paper.optim.warmup, 0);
    assertEquals("cosine", paper.optim.schedule);
    assertTrue(paper.data.augment);
    assertTrue(!paper.image.standardizeTokens && !paper.prompts.findingHints && !paper.image.blind);
    // the paper recipe with its language model given on the command line
    Recipe withLm = RecipeFiles.load("m3d-paper", List.of("init.language_model=lm-dir"));
    assertEquals(Path.of("lm-dir").toAbsolutePath().normalize().toString(), withLm.init.languageModel);
  }

  /**
   * recipes/pretrained.json: no training step; the run carries models/tiny-lm's projector and the shipped hints
   * judgement, and {@code generate --run} reads it. Bad paths in its keys are one error line.
   */
  @Test
  void pretrainedRecipeIsARunOfTheShippedModelsWithoutTraining() throws Exception {
    Path out = tmp.resolve("pretrained");
    Path cache = tmp.resolve("pretrained-cache");
    CliTestSupport.Result r = CliTestSupport.run("train", "--recipe", "pretrained", "--data", data.toString(), "--out",
        out.toString(), "--cache", cache.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("no training step (optim.epochs 0); model: "), r.out());
    assertTrue(r.err().contains("as judged in") && r.err().contains("tiny-hints.json"), r.err());
    RunDirectory run = new RunDirectory(out);
    Path shipped = org.scribe3d.data.ProjectHome.file("models/tiny-lm/model.safetensors").orElseThrow();
    try (NDManager m = NDManager.newBaseManager(); TensorSource a = Safetensors.open(shipped);
        TensorSource b = Safetensors.open(run.model().resolve("model.safetensors"))) {
      List<String> projector = a.names().stream().filter(n -> n.startsWith("mm_projector.")).sorted().toList();
      assertTrue(projector.size() >= 2, a.names().toString());
      for (String n : projector) {
        assertArrayEquals(a.load(n, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(),
            b.load(n, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray(), n + " is tiny-lm's");
      }
    }
    JsonObject hints = com.google.gson.JsonParser.parseString(Files.readString(run.findingHints())).getAsJsonObject();
    JsonObject given = com.google.gson.JsonParser.parseString(Files.readString(
        org.scribe3d.data.ProjectHome.file("models/tiny-hints.json").orElseThrow())).getAsJsonObject();
    assertEquals(given.get("thresholds"), hints.get("thresholds"), "the shipped judgement, not one made on 3 scans");
    Path scan = Files.list(data.resolve("imagesTr")).filter(f -> f.toString().endsWith(".nii.gz")).sorted()
        .findFirst().orElseThrow();
    CliTestSupport.Result g = CliTestSupport.run("generate", "--run", out.toString(), "--image", scan.toString(),
        "--max-new-tokens", "24");
    assertEquals(0, g.exitCode(), g.err());
    assertTrue(!g.out().isBlank(), "a report");

    for (String[] bad : new String[][] {{"init.projector", "no Scribe3D model directory"},
        {"prompts.hint_thresholds", "no finding-hints file"}}) {
      CliTestSupport.Result b = CliTestSupport.run("train", "--recipe", "pretrained", "--set",
          bad[0] + "=" + tmp.resolve("absent"), "--data", data.toString(), "--out", tmp.resolve("badpath").toString());
      assertTrue(b.exitCode() != 0, b.out());
      assertTrue(b.err().startsWith("error: recipe key " + bad[0] + ": " + bad[1]) && b.err().strip().lines().count() == 1,
          b.err());
    }
    assertTrue(Files.notExists(tmp.resolve("badpath")), "nothing is written for a bad path");
  }

  /** The method lives in the recipe: train's own options are the everyday ones. */
  @Test
  void trainHelpListsFewOptions() {
    CliTestSupport.Result r = CliTestSupport.run("train", "--help");
    assertEquals(0, r.exitCode(), r.err());
    List<String> options = r.out().lines().filter(l -> l.matches("^ {0,8}(-\\w, )?--[\\w-]+.*")).toList();
    assertTrue(options.size() >= 16 && options.size() <= 25, options.size() + " option lines:\n" + r.out());
    assertTrue(r.out().contains("--recipe") && r.out().contains("--set"), r.out());
    for (String gone : List.of("--model-config", "--freeze-vision", "--finding-hints", "--max-steps", "--blind")) {
      assertTrue(options.stream().noneMatch(l -> l.contains(gone)), gone + " is a recipe key now: " + r.out());
    }
  }

  /**
   * {@code --resume} without {@code --recipe} continues the run with the recipe it recorded (here one that differs
   * from the defaults); an override that changes the recipe is refused, naming the key.
   */
  @Test
  void resumeWithoutRecipeUsesTheRecordedOne() throws Exception {
    Path run = tmp.resolve("resume-recorded");
    // a run that checkpoints every 2 steps; dropping its last checkpoint leaves it as if killed after step 4
    CliTestSupport.Result first = CliTestSupport.run(args(run, "--set", "image.standardize_tokens=true", "--set",
        "trainable.vision=frozen", "--set", "optim.max_steps=6").toArray(String[]::new));
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().contains("trained 6 of 6 steps"), first.out());
    CheckpointStore store = new CheckpointStore(run, 2);
    assertEquals(6L, store.latest().orElseThrow().step());
    FileTrees.delete(run.resolve("checkpoints").resolve(String.format("step-%08d", 6)));
    long done = store.latest().map(c -> c.step()).orElse(0L);
    assertEquals(4L, done);
    CliTestSupport.Result resumed = CliTestSupport.run("train", "--data", data.toString(), "--out", run.toString(),
        "--resume", "--threads", "1");
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.out().contains("trained 6 of 6 steps (from step " + done + ")"), resumed.out());
    assertEquals(6, MetricsLog.read(run.resolve("metrics.jsonl")).stream().filter(l -> !l.has("kind")).count());
    Recipe rec = RunDirectory.of(run).readRecipe();
    assertTrue(rec.image.standardizeTokens && rec.freezeVision(), RecipeFiles.toJsonString(rec));
    assertEquals(3e-3, rec.lr(), 0);
    assertTrue(MultimodalConfig.load(run.resolve("model/config.json")).standardizeTokens());
    CliTestSupport.Result other = CliTestSupport.run("train", "--data", data.toString(), "--out", run.toString(),
        "--resume", "--threads", "1", "--set", "image.standardize_tokens=false");
    oneErrorLine(other, 1, "cannot resume", "another recipe", "image.standardize_tokens true (now false)");
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
