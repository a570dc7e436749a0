package org.scribe3d.model.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scribe3d.checkpoint.ModuleLoader;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.generate.GenerationConfig;
import org.scribe3d.generate.GenerationResult;
import org.scribe3d.data.PromptTemplates;
import org.scribe3d.data.Region;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.model.lora.LoraConfig;
import org.scribe3d.model.lora.LoraLinear;
import org.scribe3d.model.nn.Param;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.prompt.VocabMap;

class MultimodalModelTest {
  @TempDir Path tmp;

  static final int K = 8;
  static final long IMG = 2; // placeholder id in this small full-vocabulary model
  static final ViTConfig VIT = new ViTConfig(1, 8, 16, 16, 2, 4, 4, 32, 2, 4, 64, 1e-5, false);

  static MultimodalConfig config(LoraConfig lora) {
    LlamaConfig llm = LlamaConfig.of(32, 64, 2, 4, 2, 40, false).withInitializerRange(0.2);
    return new MultimodalConfig("test", VIT, 2, llm, lora, K, IMG, 64, null);
  }

  static NDArray images(NDManager m, int b, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    return m.randomUniform(0f, 1f, new Shape(b, 1, 8, 16, 16));
  }

  /** BOS(1), K placeholders, then the given text ids. */
  static long[] prompt(long... text) {
    long[] p = new long[1 + K + text.length];
    p[0] = 1;
    for (int i = 1; i <= K; i++) {
      p[i] = IMG;
    }
    System.arraycopy(text, 0, p, 1 + K, text.length);
    return p;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  @Test
  void imageEmbeddingsReplaceThePlaceholdersAndBlindIgnoresTheImage() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel mm = new MultimodalModel(config(null), m, DataType.FLOAT32, 1);
      NDArray ids = m.create(new long[][] {prompt(5, 6, 7), prompt(9, 10, 11)});
      NDArray img = images(m, 2, 3);
      NDArray logits = mm.forward(ids, img, null);
      assertEquals(new Shape(2, 1 + K + 3, 40), logits.getShape());
      // the placeholder's own embedding row never reaches the model
      Param emb = mm.llm().embedTokens().weight();
      NDArray row = emb.array().get(new NDIndex("{}:{}", IMG, IMG + 1));
      row.muli(0).addi(7); // in-place change of the placeholder row
      assertArrayEquals(logits.toFloatArray(), mm.forward(ids, img, null).toFloatArray(), 0f);
      // the embeddings at 1..K are the projector's output
      NDArray emb1 = mm.inputEmbeddings(ids, img);
      NDArray want = mm.projector().forward(mm.vision().forward(img));
      assertArrayEquals(want.toFloatArray(), emb1.get(new NDIndex(":, 1:{}, :", 1 + K)).toFloatArray(), 0f);
      // the image matters ...
      float[] other = mm.forward(ids, images(m, 2, 4), null).toFloatArray();
      assertTrue(maxAbsDiff(logits.toFloatArray(), other) > 1e-3);
      // ... unless blind: zeros in its place, whatever the image
      mm.setBlind(true);
      float[] blindA = mm.forward(ids, img, null).toFloatArray();
      float[] blindB = mm.forward(ids, images(m, 2, 4), null).toFloatArray();
      assertArrayEquals(blindA, blindB, 0f);
      NDArray zeros = mm.inputEmbeddings(ids, null).get(new NDIndex(":, 1:{}, :", 1 + K));
      assertEquals(0f, zeros.abs().sum().getFloat());
    }
  }

  /** The finding token was removed (measured to give no gain): a config that asks for it is refused by name. */
  @Test
  void aConfigWithTheRemovedFindingTokenIsRefused() {
    MultimodalConfig cfg = config(null).withFindingHead(List.of("type:ascites", "side:left"));
    assertEquals(cfg, MultimodalConfig.fromJson(cfg.toJson(), "test"));
    com.google.gson.JsonObject j = cfg.toJson();
    j.getAsJsonObject("finding_head").addProperty("token", true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultimodalConfig.fromJson(j,
        "test"));
    assertTrue(e.getMessage().contains("finding_head.token"), e.getMessage());
  }

  /**
   * Outside training (no NDScope), a forward in a caller's sub-manager must leave nothing in the weights' manager:
   * the hints and the predictor run every scan of a data set that way (see VisionParityTest); the language model's
   * embedding lookup was the second such leak after the encoder's CLS token.
   */
  @Test
  void forwardInASubManagerLeavesNothingInTheWeightsManager() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel mm = new MultimodalModel(config(null), m, DataType.FLOAT32, 1);
      int before = m.getManagedArrays().size();
      try (NDManager step = m.newSubManager()) {
        mm.forward(step.create(new long[][] {prompt(5, 6, 7), prompt(9, 10, 11)}), images(step, 2, 3), null);
      }
      assertEquals(before, m.getManagedArrays().size());
    }
  }

  @Test
  void placeholderRunsAreChecked() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel mm = new MultimodalModel(config(null), m, DataType.FLOAT32, 1);
      long[] shortRun = prompt(5);
      shortRun[K] = 5; // only K - 1 placeholders
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> mm.forward(m.create(new long[][] {shortRun}), images(m, 1, 1), null));
      assertTrue(e.getMessage().contains("row 0 has a run of 7 image placeholder tokens"), e.getMessage());
      long[] none = {1, 5, 6, 7, 8, 9, 10, 11, 12, 13};
      e = assertThrows(IllegalArgumentException.class,
          () -> mm.forward(m.create(new long[][] {none}), images(m, 1, 1), null));
      assertTrue(e.getMessage().contains("row 0 has no image placeholder tokens"), e.getMessage());
      long[] split = prompt(5);
      split[3] = 7;
      assertThrows(IllegalArgumentException.class, () -> mm.forward(m.create(new long[][] {split}), images(m, 1, 1), null));
    }
  }

  @Test
  void leftPaddedSpliceMatchesPerRow() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel mm = new MultimodalModel(config(null), m, DataType.FLOAT32, 2);
      long[] a = prompt(5, 6, 7, 8);
      long[] b = prompt(9);
      long[] bPadded = new long[a.length];
      System.arraycopy(b, 0, bPadded, a.length - b.length, b.length); // left padding with id 0
      NDArray img = images(m, 2, 5);
      NDArray both = mm.inputEmbeddings(m.create(new long[][] {a, bPadded}), img);
      NDArray rowB = mm.inputEmbeddings(m.create(new long[][] {bPadded}), img.get(new NDIndex("1:2")));
      assertArrayEquals(rowB.toFloatArray(), both.get(new NDIndex("1:2")).toFloatArray(), 0f);
    }
  }

  @Test
  void generationUsesTheImagePrefixAndBatchesLikeSingleRows() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel mm = new MultimodalModel(config(null), m, DataType.FLOAT32, 3);
      NDArray img = images(m, 2, 6);
      long[] p0 = prompt(5, 6, 7, 8);
      long[] p1 = prompt(9, 10);
      GenerationConfig g = GenerationConfig.greedy(6, Set.of(39L));
      GenerationResult both = mm.generate(img, List.of(p0, p1), g);
      for (int i = 0; i < 2; i++) {
        long[] p = i == 0 ? p0 : p1;
        NDArray imgI = img.get(new NDIndex("{}:{}", i, i + 1));
        GenerationResult one = mm.generate(imgI, List.of(p), g);
        assertArrayEquals(one.tokens().get(0), both.tokens().get(i), "row " + i);
        // greedy decoding = repeated argmax of the full (uncached) forward
        List<Long> seq = new ArrayList<>();
        for (long x : p) {
          seq.add(x);
        }
        List<Long> want = new ArrayList<>();
        long[] got = one.tokens().get(0);
        assertTrue(got.length > 0, "nothing generated for row " + i);
        for (int step = 0; step < got.length; step++) {
          long[] s = seq.stream().mapToLong(Long::longValue).toArray();
          NDArray logits = mm.forward(m.create(new long[][] {s}), imgI, null);
          long next = logits.get(new NDIndex("0, -1, :")).argMax().getLong();
          want.add(next);
          seq.add(next);
        }
        assertArrayEquals(want.stream().mapToLong(Long::longValue).toArray(), got, "row " + i);
      }
    }
  }

  @Test
  void trainableSetIsVisionProjectorAndLoraAndGradientsReachIt() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel mm = new MultimodalModel(config(new LoraConfig(2, 4, 0.05, List.of(LoraConfig.ALL_LINEAR))), m,
          DataType.FLOAT32, 4);
      for (LoraLinear l : mm.lora().adapters().values()) {
        l.b().copyFrom(m.randomNormal(0f, 0.1f, l.b().array().getShape(), DataType.FLOAT32));
      }
      Map<String, Param> trainable = mm.trainableParameters();
      for (String n : mm.namedParameters().keySet()) {
        boolean want = n.startsWith("vision_tower.") || n.startsWith("mm_projector.") || n.contains(".lora.");
        assertEquals(want, trainable.containsKey(n), n);
      }
      ParamCounts pc = mm.config().parameterCounts();
      long sum = 0;
      for (Param p : trainable.values()) {
        sum += p.array().getShape().size();
      }
      assertEquals(pc.trainable(), sum);
      assertEquals(pc.total(), mm.parameterCount());
      mm.train(true);
      NDArray ids = m.create(new long[][] {prompt(5, 6, 7), prompt(9, 10, 11)});
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = mm.forward(ids, images(m, 2, 7), null);
        gc.backward(logits.get(new NDIndex(":, -3:, :")).logSoftmax(-1).mean().neg());
      }
      for (Map.Entry<String, Param> e : mm.namedParameters().entrySet()) {
        NDArray a = e.getValue().array();
        if (e.getValue().trainable()) {
          assertTrue(a.hasGradient() && a.getGradient().abs().sum().getFloat() > 0, "no gradient: " + e.getKey());
        } else {
          assertFalse(a.hasGradient(), e.getKey());
        }
      }
    }
  }

  @Test
  void savesAndLoadsWithRestrictedVocabulary() {
    Path dir = tmp.resolve("run");
    VocabMap vocab = VocabMap.of(List.of(128000L, 128001L, 128002L, 13L, 791L, 4321L, 220L, 128009L));
    LlamaConfig llm = LlamaConfig.of(32, 64, 2, 4, 2, vocab.size(), false).withInitializerRange(0.2);
    MultimodalConfig cfg = new MultimodalConfig("v", VIT, 2, llm, new LoraConfig(2, 4, 0, List.of("q_proj")), K,
        128002, 64, vocab);
    assertEquals(6, cfg.modelImageTokenId()); // 13 220 791 4321 128000 128001 [128002] 128009
    float[] want;
    long[] p = new long[1 + K + 2];
    p[0] = vocab.toCompact(128000);
    for (int i = 1; i <= K; i++) {
      p[i] = cfg.modelImageTokenId();
    }
    p[K + 1] = vocab.toCompact(791);
    p[K + 2] = vocab.toCompact(13);
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel mm = new MultimodalModel(cfg, m, DataType.FLOAT32, 5);
      for (LoraLinear l : mm.lora().adapters().values()) {
        l.b().copyFrom(m.randomNormal(0f, 0.1f, l.b().array().getShape(), DataType.FLOAT32));
      }
      mm.lora().merge(); // saved unmerged, merge state kept
      want = mm.forward(m.create(new long[][] {p}), images(m, 1, 8), null).toFloatArray();
      mm.save(dir);
      assertTrue(mm.lora().adapters().values().iterator().next().merged());
    }
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel back = MultimodalModel.load(dir, m, DataType.FLOAT32);
      assertEquals(cfg, back.config());
      assertEquals(vocab, back.config().vocab());
      float[] got = back.forward(m.create(new long[][] {p}), images(m, 1, 8), null).toFloatArray();
      assertTrue(maxAbsDiff(want, got) < 1e-5);
    }
  }

  /**
   * {@code train --llm RUN/model}: a trained run's language model starts another run; the vision side and projector
   * stay the new model's own; a vocabulary with more tokens takes the trained rows of the shared ones, one that lacks
   * a token of the trained model is refused.
   */
  @Test
  void languageModelLoadsFromAScribe3dModelDirectory() throws Exception {
    Path dir = tmp.resolve("lm");
    VocabMap vocab = VocabMap.of(List.of(128000L, 128001L, 128002L, 13L, 791L, 4321L, 220L, 128009L));
    LlamaConfig llm = LlamaConfig.of(32, 64, 2, 4, 2, vocab.size(), false).withInitializerRange(0.2);
    MultimodalConfig cfg = new MultimodalConfig("v", VIT, 2, llm, null, K, 128002, 64, vocab);
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel trained = new MultimodalModel(cfg, m, DataType.FLOAT32, 5);
      trained.save(dir);
      MultimodalModel fresh = new MultimodalModel(cfg, m, DataType.FLOAT32, 6);
      float[] vision = fresh.vision().namedParameters().values().iterator().next().array().toFloatArray();
      ModuleLoader.Report r = fresh.loadLanguageModel(dir);
      assertEquals(trained.llm().namedParameters().size(), r.loaded().size());
      trained.llm().namedParameters().forEach((name, p) -> assertArrayEquals(p.array().toFloatArray(),
          fresh.llm().namedParameters().get(name).array().toFloatArray(), 0f, name));
      assertArrayEquals(vision, fresh.vision().namedParameters().values().iterator().next().array().toFloatArray(),
          0f);
      // a run on other data has a few more tokens: its rows of the shared tokens are the trained ones
      VocabMap more = VocabMap.of(List.of(128000L, 128001L, 128002L, 13L, 555L, 791L, 4321L, 220L, 128009L, 99L));
      LlamaConfig llmMore = LlamaConfig.of(32, 64, 2, 4, 2, more.size(), false).withInitializerRange(0.2);
      MultimodalModel wider = new MultimodalModel(new MultimodalConfig("v", VIT, 2, llmMore, null, K, 128002, 64,
          more), m, DataType.FLOAT32, 7);
      float[][] before = {wider.llm().namedParameters().get("model.embed_tokens.weight").array().toFloatArray(),
          wider.llm().namedParameters().get("lm_head.weight").array().toFloatArray()};
      wider.loadLanguageModel(dir);
      String[] rowTensors = {"model.embed_tokens.weight", "lm_head.weight"};
      for (int t = 0; t < 2; t++) {
        NDArray theirs = trained.llm().namedParameters().get(rowTensors[t]).array();
        NDArray ours = wider.llm().namedParameters().get(rowTensors[t]).array();
        for (long id : more.originalIds()) {
          float[] got = ours.get(new NDIndex("{}", more.toCompact(id))).toFloatArray();
          float[] want = vocab.contains(id) ? theirs.get(new NDIndex("{}", vocab.toCompact(id))).toFloatArray()
              : Arrays.copyOfRange(before[t], (int) more.toCompact(id) * 32, (int) more.toCompact(id) * 32 + 32);
          assertArrayEquals(want, got, 0f, rowTensors[t] + " token " + id);
        }
      }
      assertArrayEquals(trained.llm().namedParameters().get("model.layers.0.mlp.up_proj.weight").array().toFloatArray(),
          wider.llm().namedParameters().get("model.layers.0.mlp.up_proj.weight").array().toFloatArray(), 0f);
      // one without a token of theirs could not place that token's rows
      VocabMap other = VocabMap.of(List.of(128000L, 128001L, 128002L, 13L, 791L, 4322L, 220L, 128009L));
      MultimodalModel wrongVocab = new MultimodalModel(new MultimodalConfig("v", VIT, 2, llm, null, K, 128002, 64,
          other), m, DataType.FLOAT32, 7);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrongVocab.loadLanguageModel(dir));
      assertTrue(e.getMessage().contains("1 of its 8 tokens are not in the model's restricted vocabulary"),
          e.getMessage());
      // a broken Scribe3D config is reported as one, not as a Hugging Face config missing its fields
      Path broken = tmp.resolve("broken");
      Files.createDirectories(broken);
      Files.writeString(broken.resolve("config.json"), "{\"format\": \"scribe3d-multimodal\", \"name\": \"v\"}");
      IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> fresh.loadLanguageModel(broken));
      assertTrue(!b.getMessage().contains("hidden_size") && b.getMessage().contains("broken"), b.getMessage());
    }
  }

  @Test
  void generateTextMapsThroughTheRestrictedVocabulary() {
    try (Llama3Tokenizer real = Llama3Tokenizer.vendored(); NDManager m = NDManager.newBaseManager()) {
      TextTokenizer tok = TextTokenizer.of(real);
      String prompt = PromptTemplates.mrg(Region.CHEST);
      VocabMap.Builder vb = new VocabMap.Builder().add(128000, 128001, 128002);
      vb.add(tok.encodeNoBos(prompt)).add(tok.encodeNoBos(" No pleural effusion. Small nodule in the left lung."));
      VocabMap vocab = vb.build();
      LlamaConfig llm = new LlamaConfig(32, 64, 2, 4, 2, 8, 1e-5, 500000.0, null, vocab.size(), false, false, false,
          (int) vocab.toCompact(128000), List.of((int) vocab.toCompact(128001)), 8192, "float32", 0.2);
      MultimodalConfig cfg = new MultimodalConfig("t", VIT, 2, llm, null, K, 128002, 64, vocab);
      MultimodalModel mm = new MultimodalModel(cfg, m, DataType.FLOAT32, 9);
      NDArray img = images(m, 1, 10);
      GenerationConfig g = mm.greedy(5);
      assertEquals(Set.of(vocab.toCompact(128001)), g.eosIds());
      List<String> text = mm.generateText(img, List.of(prompt), tok, g);
      PromptBuilder pb = new PromptBuilder(tok, K, 128002, 64);
      GenerationResult r = mm.generate(img, List.of(vocab.toCompact(pb.prompt(prompt))), g);
      assertEquals(real.decode(vocab.toOriginal(r.tokens().get(0))), text.get(0));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> mm.generateText(img, List.of("Describe the spleen."), tok, g));
      assertTrue(e.getMessage().contains("outside the model's restricted vocabulary"), e.getMessage());
    }
  }

  @Test
  void loadsAHuggingFaceLanguageModelUnderTheAdapters() throws Exception {
    Path hf = tmp.resolve("hf");
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalConfig cfg = config(new LoraConfig(2, 4, 0, List.of(LoraConfig.ALL_LINEAR)));
      new LlamaForCausalLM(cfg.llm(), m, DataType.FLOAT32, 77).saveHf(hf, null, 1L << 40);
      MultimodalModel mm = new MultimodalModel(cfg, m, DataType.FLOAT32, 1);
      LlamaForCausalLM ref = LlamaForCausalLM.load(hf, m, DataType.FLOAT32);
      mm.loadLanguageModel(hf);
      for (Map.Entry<String, Param> e : ref.namedParameters().entrySet()) {
        assertArrayEquals(e.getValue().array().toFloatArray(),
            mm.llm().namedParameters().get(e.getKey()).array().toFloatArray(), 0f, e.getKey());
      }
      assertFalse(mm.llm().namedParameters().get("model.layers.0.self_attn.q_proj.weight").trainable());
      // an M3D-LaMed-style directory: language model + vision tower + projector in one checkpoint
      Path lamed = tmp.resolve("lamed");
      java.nio.file.Files.createDirectories(lamed);
      java.nio.file.Files.copy(hf.resolve("config.json"), lamed.resolve("config.json"));
      Map<String, NDArray> all = new java.util.LinkedHashMap<>(org.scribe3d.checkpoint.ModuleLoader.stateDict(ref));
      MultimodalModel src = new MultimodalModel(config(null), m, DataType.FLOAT32, 31);
      org.scribe3d.checkpoint.ModuleLoader.stateDict(src.vision()).forEach((k, v) ->
          all.put("model.vision_tower.vision_tower." + k, v));
      org.scribe3d.checkpoint.ModuleLoader.stateDict(src.projector()).forEach((k, v) -> all.put("model.mm_projector." + k, v));
      org.scribe3d.checkpoint.Safetensors.write(lamed.resolve("model.safetensors"), all, Map.of());
      MultimodalModel fromLamed = new MultimodalModel(cfg, m, DataType.FLOAT32, 2);
      fromLamed.loadLanguageModel(lamed);
      try (var s = org.scribe3d.checkpoint.Safetensors.open(lamed)) {
        fromLamed.loadVisionWeights(s);
        fromLamed.loadProjectorWeights(s);
      }
      NDArray ids = m.create(new long[][] {prompt(5, 6)});
      NDArray im = images(m, 1, 32);
      src.llm().namedParameters().forEach((k, v) -> v.copyFrom(ref.namedParameters().get(k).array()));
      assertArrayEquals(src.forward(ids, im, null).toFloatArray(), fromLamed.forward(ids, im, null).toFloatArray(),
          1e-5f);
      MultimodalModel around = new MultimodalModel(cfg, ref, m, DataType.FLOAT32, 1);
      assertTrue(around.llm() == ref);
      assertEquals(cfg.parameterCounts().total(), around.parameterCount());
      MultimodalConfig wider = new MultimodalConfig("w", VIT, 2, LlamaConfig.of(48, 64, 2, 4, 2, 40, false), null, K,
          IMG, 64, null);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new MultimodalModel(wider, m, DataType.FLOAT32, 1).loadLanguageModel(hf));
      assertTrue(e.getMessage().contains("hidden_size 32 (model: 48)"), e.getMessage());
    }
  }
}
