package org.scribe3d.model.multimodal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scribe3d.cli.CliTestSupport;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.nn.Param;
import org.scribe3d.prompt.VocabMap;

/** The paper preset's counts equal the architecture arithmetic written out here. */
class ModelInfoTest {
  // ViT3D (M3D-CLIP): input 1x32x256x256, patch 4x16x16 -> 2048 patches of 1024 values, width 768
  static final long PATCH_LINEAR = 1024L * 768 + 768; //          787,200
  static final long POSITIONS = 2048L * 768; //                 1,572,864
  static final long CLS = 768;
  static final long BLOCK = 2 * 768 // norm1
      + 3L * 768 * 768 // qkv, no bias                          1,769,472
      + 768L * 768 + 768 // out_proj                              590,592
      + 2 * 768 // norm2
      + 768L * 3072 + 3072 + 3072L * 768 + 768; // mlp          4,722,432  -> block 7,085,568
  static final long VISION = PATCH_LINEAR + POSITIONS + CLS + 12 * BLOCK + 2 * 768; // 87,389,184
  // projector: Linear(768 -> 4096) + GELU + Linear(4096 -> 4096)
  static final long PROJECTOR = 768L * 4096 + 4096 + 4096L * 4096 + 4096; //         19,931,136
  // Llama-3-8B: hidden 4096, 32 layers, 32 heads of 128, 8 KV heads (1024 wide), MLP 14336, vocab 128256
  static final long LLM_LAYER = 4096L * 4096 // q
      + 2 * 4096L * 1024 // k, v
      + 4096L * 4096 // o
      + 3 * 4096L * 14336 // gate, up, down
      + 2 * 4096; // two RMSNorms                               218,112,000
  static final long LLM = 128256L * 4096 // embed_tokens
      + 32 * LLM_LAYER + 4096 // final norm
      + 128256L * 4096; // untied lm_head                       8,030,261,248
  // LoRA r=16 on q, k, v, o, gate, up, down: r * (in + out) each
  static final long LORA = 32 * 16L * ((4096 + 4096) + 2 * (4096 + 1024) + (4096 + 4096) + 3 * (4096 + 14336));

  @Test
  void paperCountsMatchTheArithmetic() {
    assertEquals(87_389_184L, VISION);
    assertEquals(19_931_136L, PROJECTOR);
    assertEquals(8_030_261_248L, LLM); // the published Llama-3-8B size
    assertEquals(41_943_040L, LORA); // what PEFT reports for r=16 all-linear on Llama-3-8B
    ParamCounts p = ModelPresets.paper().parameterCounts();
    assertEquals(VISION, p.vision());
    assertEquals(PROJECTOR, p.projector());
    assertEquals(LLM, p.llm());
    assertEquals(LORA, p.lora());
    assertEquals(VISION + PROJECTOR + LORA, p.trainable());
    assertEquals(VISION + PROJECTOR + LLM + LORA, p.total());
    assertEquals(4 * p.total(), p.bytes(4));
  }

  @Test
  void cliPrintsTheSameCounts() {
    CliTestSupport.Result r = CliTestSupport.run("model-info", "--preset", "paper", "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(VISION, o.get("vision").getAsLong());
    assertEquals(PROJECTOR, o.get("projector").getAsLong());
    assertEquals(LLM, o.get("llm").getAsLong());
    assertEquals(LORA, o.get("lora").getAsLong());
    assertEquals(VISION + PROJECTOR + LORA, o.get("trainable").getAsLong());
    assertEquals(VISION + PROJECTOR + LLM + LORA, o.get("total").getAsLong());
    assertEquals(2 * (VISION + PROJECTOR + LLM + LORA), o.get("bytes_bf16").getAsLong());
    CliTestSupport.Result text = CliTestSupport.run("model-info", "--preset", "paper");
    assertTrue(text.out().contains("8,030,261,248"), text.out());
    CliTestSupport.Result bad = CliTestSupport.run("model-info", "--preset", "huge");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().strip().startsWith("error: unknown preset 'huge'"), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
  }

  /** The same arithmetic (the formulas behind the paper numbers) agrees with models actually built. */
  @Test
  void arithmeticMatchesBuiltModelsAtReducedWidth() {
    VocabMap vocab = VocabMap.of(java.util.stream.LongStream.concat(java.util.stream.LongStream.range(0, 300),
        java.util.stream.LongStream.of(128000, 128001, 128002)).boxed().toList());
    for (MultimodalConfig c : new MultimodalConfig[] {ModelPresets.paperReduced(), ModelPresets.tiny(vocab)}) {
      try (NDManager m = NDManager.newBaseManager()) {
        MultimodalModel mm = new MultimodalModel(c, m, DataType.FLOAT32, 0);
        ParamCounts p = c.parameterCounts();
        assertEquals(p.vision(), mm.vision().parameterCount(), c.name());
        assertEquals(p.projector(), mm.projector().parameterCount(), c.name());
        long lora = mm.lora() == null ? 0 : mm.lora().parameterCount();
        assertEquals(p.lora(), lora, c.name());
        assertEquals(p.llm(), mm.llm().parameterCount() - lora, c.name());
        long trainable = 0;
        for (Map.Entry<String, Param> e : mm.trainableParameters().entrySet()) {
          trainable += e.getValue().array().getShape().size();
        }
        assertEquals(p.trainable(), trainable, c.name());
        assertEquals(p.total(), mm.parameterCount(), c.name());
      }
    }
  }

  @Test
  void cliReadsASavedConfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    VocabMap vocab = VocabMap.of(java.util.List.of(5L, 128000L, 128001L, 128002L, 128009L));
    MultimodalConfig c = ModelPresets.tiny(vocab);
    java.nio.file.Path f = tmp.resolve("config.json");
    java.nio.file.Files.writeString(f, c.toJsonString());
    assertEquals(c, MultimodalConfig.load(f));
    CliTestSupport.Result r = CliTestSupport.run("model-info", "--config", f.toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(c.parameterCounts().total(), o.get("total").getAsLong());
    assertEquals(5, o.get("vocab_size").getAsInt());
    java.nio.file.Files.writeString(f, c.toJsonString().replace("\"image_tokens\": 64", "\"image_tokens\": 65"));
    CliTestSupport.Result bad = CliTestSupport.run("model-info", "--config", f.toString());
    assertEquals(1, bad.exitCode());
    assertTrue(bad.err().contains("image_tokens is 65"), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
  }
}
