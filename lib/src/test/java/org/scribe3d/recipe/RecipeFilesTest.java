package org.scribe3d.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RecipeFiles}: a recorded recipe reads back as itself, paths in a recipe file are relative to the file, a
 * {@code --set} value takes the kind its key holds, and {@link RecipeFiles#differences} names what changed.
 */
class RecipeFilesTest {
  @TempDir Path tmp;

  private static RecipeException refused(String... overrides) {
    return assertThrows(RecipeException.class, () -> RecipeFiles.defaults(List.of(overrides)));
  }

  @Test
  void writeThenReadGivesTheSameJson() throws Exception {
    Path file = tmp.resolve("r.json");
    Files.writeString(file, """
        {
          "name": "round-trip",
          "description": "every kind of value",
          "model": {"preset": "paper", "vision_stem": "patch"},
          "init": {"language_model": "lm"},
          "trainable": {"vision": "frozen", "lora": {"r": 8, "alpha": 16, "dropout": 0.1,
            "target_modules": ["q_proj", "v_proj"]}},
          "image": {"standardize_tokens": true, "finding_loss": 0.5, "pretrain_epochs": 2, "box_loss": 1},
          "data": {"pipeline": [{"op": "resize", "size": [16, 64, 64]}], "augment": false, "grouped": false},
          "optim": {"lr": 3e-4, "schedule": "constant", "warmup": 0, "max_steps": 12, "weight_decay": 0.01},
          "validation": {"samples": 0, "every": 5}
        }
        """);
    Recipe r = RecipeFiles.load(file.toString(), List.of("optim.seed=9"));
    Path out = tmp.resolve("run").resolve("recipe.json");
    Files.createDirectories(out.getParent());
    RecipeFiles.write(r, out);
    Recipe back = RecipeFiles.read(out);
    assertEquals(RecipeFiles.toJson(r), RecipeFiles.toJson(back));
    assertEquals(Files.readString(out), RecipeFiles.toJsonString(back), "written text is stable");
    assertEquals(List.of(), RecipeFiles.differences(r, back));
    // every key of the schema is written, nulls included
    JsonObject written = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    for (String key : RecipeFiles.keys()) {
      JsonElement e = written;
      for (String part : key.split("\\.")) {
        assertTrue(e.getAsJsonObject().has(part), key + " missing");
        e = e.getAsJsonObject().get(part);
      }
    }
    assertTrue(written.getAsJsonObject("model").get("config").isJsonNull());
    assertEquals(9, back.optim.seed);
    assertEquals(List.of("q_proj", "v_proj"), back.trainable.lora.targetModules);
    assertEquals("[{\"op\":\"resize\",\"size\":[16,64,64]}]", back.data.pipeline.toString());
    // the defaults round-trip too
    Recipe d = RecipeFiles.defaults(List.of());
    RecipeFiles.write(d, out);
    assertEquals(RecipeFiles.toJson(d), RecipeFiles.toJson(RecipeFiles.read(out)));
    assertEquals(RecipeFiles.defaultsJson(), RecipeFiles.toJson(RecipeFiles.read(out)));
  }

  @Test
  void pathsInARecipeFileAreRelativeToItsDirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("recipes").resolve("sub"));
    Path file = dir.resolve("paths.json");
    Files.writeString(file, """
        {"model": {"config": "micro.json"},
         "init": {"vision": "../enc.safetensors", "language_model": "/abs/lm"},
         "data": {"pipeline": "pipes/p.json", "cache": "./cache"}}
        """);
    Recipe r = RecipeFiles.load(file.toString(), List.of());
    assertEquals(dir.resolve("micro.json").toAbsolutePath().normalize().toString(), r.model.config);
    assertEquals(tmp.resolve("recipes").resolve("enc.safetensors").toAbsolutePath().normalize().toString(),
        r.init.vision);
    assertEquals("/abs/lm", r.init.languageModel);
    assertEquals(dir.resolve("pipes/p.json").toAbsolutePath().normalize().toString(),
        r.data.pipeline.getAsString());
    assertEquals(dir.resolve("cache").toAbsolutePath().normalize().toString(), r.data.cache);
    // an inline pipeline is not a path
    Files.writeString(file, "{\"data\": {\"pipeline\": [{\"op\": \"normalize\"}]}}");
    assertTrue(RecipeFiles.load(file.toString(), List.of()).data.pipeline.isJsonArray());
    // --set paths are relative to the working directory, not to the file
    Recipe s = RecipeFiles.load(file.toString(), List.of("init.vision=enc.safetensors"));
    assertEquals(Path.of("enc.safetensors").toAbsolutePath().normalize().toString(), s.init.vision);
    // a missing file is said with its name
    RecipeException e = assertThrows(RecipeException.class, () -> RecipeFiles.load(
        dir.resolve("none.json").toString(), List.of()));
    assertEquals("recipe", e.key());
    assertTrue(e.getMessage().contains("none.json"), e.getMessage());
    Files.writeString(file, "{not json");
    assertTrue(assertThrows(RecipeException.class, () -> RecipeFiles.load(file.toString(), List.of())).getMessage()
        .contains("not valid JSON"));
    Files.writeString(file, "[1, 2]");
    assertTrue(assertThrows(RecipeException.class, () -> RecipeFiles.load(file.toString(), List.of())).getMessage()
        .contains("must hold a JSON object"));
  }

  @Test
  void setValuesTakeTheKindTheirKeyHolds() {
    Recipe r = RecipeFiles.defaults(List.of("optim.lr=3e-4", "optim.epochs=3", "optim.max_steps=7",
        "optim.warmup=0", "image.finding_loss=2", "data.augment=false", "image.standardize_tokens=TRUE",
        "model.preset=paper", "optim.schedule=constant", "init.language_model=null",
        "trainable.lora.r=4", "trainable.lora.alpha=8", "trainable.lora.target_modules=q_proj, v_proj,",
        "data.pipeline=[{\"op\": \"resize\", \"size\": [16, 64, 64]}]"));
    assertEquals(3e-4, r.optim.lr, 0);
    assertEquals(3e-4, r.lr(), 0);
    assertEquals(3, r.optim.epochs);
    assertEquals(7, r.optim.maxSteps);
    assertEquals(0, r.optim.warmup, 0);
    assertEquals(2, r.image.findingLoss, 0);
    assertFalse(r.data.augment);
    assertTrue(r.image.standardizeTokens);
    assertEquals("paper", r.model.preset);
    assertEquals("constant", r.optim.schedule);
    assertNull(r.init.languageModel);
    assertEquals(4, r.trainable.lora.r);
    assertEquals(8, r.trainable.lora.alpha, 0);
    assertEquals(List.of("q_proj", "v_proj"), r.trainable.lora.targetModules);
    assertTrue(r.data.pipeline.isJsonArray());
    assertEquals(16, r.data.pipeline.getAsJsonArray().get(0).getAsJsonObject().getAsJsonArray("size").get(0)
        .getAsInt());
    // an object, a path, and null for the pipeline
    Recipe o = RecipeFiles.defaults(List.of("data.pipeline={\"steps\": []}"));
    assertTrue(o.data.pipeline.isJsonObject());
    Recipe p = RecipeFiles.defaults(List.of("data.pipeline=pipe.json"));
    assertEquals(Path.of("pipe.json").toAbsolutePath().normalize().toString(), p.data.pipeline.getAsString());
    JsonElement none = RecipeFiles.defaults(List.of("data.pipeline=[]", "data.pipeline=null")).data.pipeline;
    assertTrue(none == null || none.isJsonNull(), String.valueOf(none));
    // later overrides win; a null optim.lr is the preset's default again
    Recipe later = RecipeFiles.defaults(List.of("optim.lr=1e-2", "optim.lr=null", "model.preset=paper"));
    assertNull(later.optim.lr);
    assertEquals(1e-5, later.lr(), 0);
    assertEquals(1e-3, RecipeFiles.defaults(List.of()).lr(), 0);
    // the wrong kind is refused with the key
    assertEquals("data.augment", refused("data.augment=yes").key());
    assertEquals("optim.epochs", refused("optim.epochs=three").key());
    assertEquals("data.pipeline", refused("data.pipeline=[{").key());
    assertEquals("set", refused("optim.lr").key());
    assertEquals("set", refused("=1").key());
    // unknown keys: the closest valid one is named
    for (String bad : List.of("optim.lrr=1", "optimizer.lr=1", "lr=1")) {
      RecipeException e = refused(bad);
      assertEquals(bad.substring(0, bad.indexOf('=')), e.key());
      assertTrue(e.getMessage().contains("did you mean 'optim.lr'"), e.getMessage());
    }
    assertTrue(refused("optim=1").getMessage().contains("unknown recipe key"));
    assertTrue(refused("trainable.lora.rank=4").getMessage().contains("'trainable.lora.r'"),
        refused("trainable.lora.rank=4").getMessage());
    // withOverrides keeps what it does not override
    Recipe w = RecipeFiles.withOverrides(r, List.of("optim.epochs=5"));
    assertEquals(5, w.optim.epochs);
    assertEquals(List.of("optim.epochs 3 (now 5)"), RecipeFiles.differences(r, w));
  }

  @Test
  void valueChecksNameTheKey() {
    String[][] cases = {{"optim.epochs=-1", "optim.epochs"}, {"optim.batch=0", "optim.batch"},
        {"optim.accumulation=0", "optim.accumulation"}, {"optim.lr=0", "optim.lr"}, {"optim.lr=-1", "optim.lr"},
        {"optim.warmup=1.5", "optim.warmup"}, {"optim.schedule=linear", "optim.schedule"},
        {"optim.max_steps=-1", "optim.max_steps"}, {"optim.weight_decay=-0.1", "optim.weight_decay"},
        {"prompts.true_hints=2", "prompts.true_hints"}, {"image.finding_loss=-1", "image.finding_loss"},
        {"image.pretrain_epochs=-1", "image.pretrain_epochs"}, {"image.box_loss=1", "image.box_loss"},
        {"validation.samples=-1", "validation.samples"}, {"model.preset=huge", "model.preset"},
        {"model.vision_stem=resnet", "model.vision_stem"}, {"trainable.vision=half", "trainable.vision"},
        {"trainable.lora.r=-1", "trainable.lora.r"}, {"trainable.lora.dropout=1", "trainable.lora.dropout"}};
    for (String[] c : cases) {
      RecipeException e = refused(c[0]);
      assertEquals(c[1], e.key(), c[0]);
      assertTrue(e.getMessage().startsWith(c[1] + ": "), e.getMessage());
    }
    assertEquals("model.vision_stem", refused("model.preset=paper", "model.vision_stem=conv").key());
    assertEquals("prompts.true_hints", refused("prompts.true_hints=0.5").key(), "true hints need finding hints");
    assertEquals("prompts.hint_thresholds", refused("prompts.hint_thresholds=h.json").key(),
        "a hints judgement needs finding hints");
    assertEquals(0, RecipeFiles.defaults(List.of("optim.epochs=0")).optim.epochs, "0 epochs: a run of its init weights");
    assertEquals("prompts.finding_hints", refused("prompts.finding_hints=true").key(), "hints need init.vision");
    assertEquals("prompts.finding_hints", refused("prompts.finding_hints=true", "init.vision=e.safetensors",
        "trainable.vision=frozen", "image.blind=true").key());
    RecipeFiles.defaults(List.of("prompts.finding_hints=true", "init.vision=e.safetensors",
        "trainable.vision=frozen", "prompts.true_hints=0.5"));
    RecipeFiles.defaults(List.of("image.box_loss=1", "image.pretrain_epochs=1", "image.finding_loss=1"));
  }

  @Test
  void differencesNameEveryChangedKeyWithBothValues() {
    Recipe a = RecipeFiles.defaults(List.of());
    assertEquals(List.of(), RecipeFiles.differences(a, RecipeFiles.defaults(List.of())));
    // the same number written as an integer or a decimal is no difference
    assertEquals(List.of(), RecipeFiles.differences(a, RecipeFiles.defaults(List.of("optim.warmup=0.1",
        "optim.max_grad_norm=1", "optim.epochs=8"))));
    Recipe b = RecipeFiles.defaults(List.of("optim.lr=1e-4", "image.blind=true", "trainable.vision=frozen",
        "data.pipeline=[{\"op\": \"normalize\"}]", "trainable.lora.target_modules=q_proj"));
    List<String> d = RecipeFiles.differences(a, b);
    assertEquals(List.of("data.pipeline differs", "image.blind false (now true)", "optim.lr null (now 1.0E-4)",
        "trainable.lora.target_modules null (now [\"q_proj\"])", "trainable.vision \"full\" (now \"frozen\")"), d);
    List<String> back = RecipeFiles.differences(b, a);
    assertEquals(d.size(), back.size());
    assertTrue(back.contains("image.blind true (now false)"), back.toString());
    Recipe c = RecipeFiles.defaults(List.of("image.finding_loss=1"));
    assertEquals(List.of("image.finding_loss 1.0 (now 2.0)"), RecipeFiles.differences(c,
        RecipeFiles.withOverrides(c, List.of("image.finding_loss=2"))));
  }
}
