package org.scribe3d.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.cli.Main;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Examples;
import org.scribe3d.data.Split;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.train.CorpusVocabulary;

/**
 * The batch job on an embedded local[2] Spark against {@code evaluate --run}: a micro model trained here on a small
 * phantom set (the lib tests' micro model), its validation split predicted once by {@code evaluate --run} and once
 * by {@code batch}, then resumption, error rows and scoring of the job's output.
 */
class BatchJobTest {
  @TempDir static Path tmp;
  static Path data;
  static Path run;
  static Path evalOut;
  static Path sparkOut;
  static List<String> validationIds;
  static Result first;

  record Result(int exitCode, String out, String err) {}

  @BeforeAll
  static void trainPredictAndBatch() throws Exception {
    data = tmp.resolve("phantom");
    Path cfg = phantomAndMicroModel(data, 8, tmp.resolve("micro.json"));
    run = tmp.resolve("run");
    Result t = cli("train", "--set", "model.config=" + cfg, "--data", data.toString(), "--out", run.toString(),
        "--epochs", "2", "--batch", "4", "--threads", "1", "--set", "validation.samples=0", "--cache",
        tmp.resolve("cache").toString(), "--lr", "1e-2");
    assertEquals(0, t.exitCode(), t.err());
    Dataset ds = DatasetLoader.load(data, DatasetLoader.Options.defaults());
    validationIds = ds.split(Split.VALIDATION).stream().map(Case::id).sorted().toList();
    assertEquals(4, validationIds.size());

    evalOut = tmp.resolve("eval");
    Result e = cli("evaluate", "--run", run.toString(), "--data", data.resolve("dataset.json").toString(), "--out", evalOut.toString(),
        "--threads", "1", "--batch", "8", "--bootstrap", "20", "--no-meteor");
    assertEquals(0, e.exitCode(), e.err());

    sparkOut = tmp.resolve("spark");
    first = batch(data, sparkOut);
    assertEquals(0, first.exitCode(), first.err());
  }

  /** {@code scribe3d batch} in-process on local[2] without the UI, decoding as the evaluate run above. */
  static Result batch(Path dataset, Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("--model", run.toString(), "--data", dataset.toString(), "--out",
        out.toString(), "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--threads", "1", "--batch", "8",
        "--partitions", "3", "--progress-every", "1"));
    a.addAll(List.of(more));
    return capture(() -> Main.run(new BatchCommand(), a.toArray(String[]::new)));
  }

  @Test
  void sparkPredictionsAreEvaluateRunsLines() throws IOException {
    List<String> spark = Files.readAllLines(sparkOut.resolve("predictions.jsonl"));
    List<String> eval = new ArrayList<>(Files.readAllLines(evalOut.resolve("predictions.jsonl")));
    assertTrue(eval.size() > 8, "too few lines to compare: " + eval.size());
    eval.sort(null);
    List<String> sorted = new ArrayList<>(spark);
    sorted.sort(null);
    assertEquals(eval, sorted);
    // merged by case id, each case's lines as evaluate writes them (reports, then questions)
    List<String> ids = spark.stream().map(l -> JsonParser.parseString(l).getAsJsonObject().get("case_id")
        .getAsString()).distinct().toList();
    assertEquals(validationIds, ids);

    JsonObject summary = json(sparkOut.resolve("summary.json"));
    assertEquals(4, summary.get("done").getAsInt());
    assertEquals(0, summary.get("skipped").getAsInt());
    assertEquals(0, summary.get("failed").getAsInt());
    assertEquals("", Files.readString(sparkOut.resolve("errors.jsonl")));
    assertTrue(first.out().contains("4 done, 0 skipped, 0 failed"), first.out());
    assertTrue(first.err().contains("cases done"), "no progress line: " + first.err());

    SparkSession s = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> rows = s.read().parquet(sparkOut.resolve("predictions.parquet").toString()).collectAsList();
      assertEquals(spark.size(), rows.size());
      for (int i = 0; i < rows.size(); i++) {
        JsonObject o = JsonParser.parseString(spark.get(i)).getAsJsonObject();
        Row r = rows.get(i);
        assertEquals(o.get("case_id").getAsString(), r.getAs("case_id"));
        assertEquals(o.get("prediction").getAsString(), r.getAs("prediction"));
        assertEquals(o.has("question_index") ? o.get("question_index").getAsInt() : null, r.getAs("question_index"));
      }
    } finally {
      s.stop();
    }
  }

  @Test
  void rerunRecomputesOnlyTheDeletedParts() throws IOException {
    Path out = tmp.resolve("resume");
    copyTree(sparkOut, out);
    PartFiles parts = new PartFiles(out);
    Map<String, FileTime> kept = new HashMap<>();
    for (int i = 0; i < validationIds.size(); i++) {
      Path p = parts.done(validationIds.get(i));
      if (i % 2 == 0) {
        Files.delete(p);
      } else {
        kept.put(validationIds.get(i), Files.getLastModifiedTime(p));
      }
    }
    Result r = batch(data, out);
    assertEquals(0, r.exitCode(), r.err());
    JsonObject summary = json(out.resolve("summary.json"));
    assertEquals(2, summary.get("done").getAsInt());
    assertEquals(2, summary.get("skipped").getAsInt());
    assertEquals(0, summary.get("failed").getAsInt());
    for (Map.Entry<String, FileTime> e : kept.entrySet()) {
      assertEquals(e.getValue(), Files.getLastModifiedTime(parts.done(e.getKey())), "rewritten: " + e.getKey());
    }
    assertEquals(Files.readString(sparkOut.resolve("predictions.jsonl")),
        Files.readString(out.resolve("predictions.jsonl")));

    Result again = batch(data, out);
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("0 done, 4 skipped, 0 failed"), again.out());
  }

  @Test
  void corruptAndMissingScansBecomeErrorRowsAndTheOthersFinish() throws IOException {
    Path broken = tmp.resolve("broken");
    copyTree(data, broken);
    Dataset ds = DatasetLoader.load(broken, DatasetLoader.Options.defaults());
    List<Case> val = ds.split(Split.VALIDATION).stream().sorted(java.util.Comparator.comparing(Case::id)).toList();
    Path truncated = val.get(1).image();
    byte[] bytes = Files.readAllBytes(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Files.delete(val.get(2).image());

    Path out = tmp.resolve("broken-out");
    Result r = batch(broken, out);
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("2 done, 0 skipped, 2 failed"), r.out());
    List<String> errors = Files.readAllLines(out.resolve("errors.jsonl"));
    assertEquals(2, errors.size(), errors.toString());
    JsonObject e1 = JsonParser.parseString(errors.get(0)).getAsJsonObject();
    JsonObject e2 = JsonParser.parseString(errors.get(1)).getAsJsonObject();
    assertEquals(val.get(1).id(), e1.get("case_id").getAsString());
    assertTrue(e1.get("error").getAsString().contains(truncated.getFileName().toString())
        && e1.get("error").getAsString().contains("truncated"), errors.get(0));
    assertEquals(val.get(2).id(), e2.get("case_id").getAsString());
    assertTrue(e2.get("error").getAsString().contains("no such file"), errors.get(1));
    for (String e : errors) {
      assertFalse(e.contains("\\n") || e.contains("\tat "), "not one line: " + e);
    }
    // the two good cases: the same lines as the clean job's
    List<String> expected = new ArrayList<>();
    for (String l : Files.readAllLines(sparkOut.resolve("predictions.jsonl"))) {
      String id = JsonParser.parseString(l).getAsJsonObject().get("case_id").getAsString();
      if (id.equals(val.get(0).id()) || id.equals(val.get(3).id())) {
        expected.add(l.replace(data.toString(), broken.toString()));
      }
    }
    assertEquals(expected, Files.readAllLines(out.resolve("predictions.jsonl")));
    assertEquals(2, json(out.resolve("summary.json")).get("failed").getAsInt());
  }

  @Test
  void evaluateScoresTheSparkOutputAsEvaluateRunScoresItsOwn() throws IOException {
    Path scored = tmp.resolve("scored");
    Result e = cli("evaluate", "--predictions", sparkOut.resolve("predictions.jsonl").toString(), "--data",
        data.resolve("dataset.json").toString(), "--out", scored.toString(), "--bootstrap", "20", "--no-meteor");
    assertEquals(0, e.exitCode(), e.err());
    JsonObject spark = json(scored.resolve("eval.json"));
    JsonObject eval = json(evalOut.resolve("eval.json"));
    assertEquals(eval.get("cases"), spark.get("cases"));
    assertEquals(eval.get("counts"), spark.get("counts"));
    assertEquals(eval.get("metrics"), spark.get("metrics"));
    assertTrue(spark.getAsJsonObject("metrics").size() > 3, spark.toString());
  }

  @Test
  void badInputIsOneErrorLine() {
    Result noData = batch(tmp.resolve("nope.json"), tmp.resolve("x1"));
    assertEquals(1, noData.exitCode());
    assertEquals(1, noData.err().strip().lines().count(), noData.err());
    assertTrue(noData.err().startsWith("error: --data: ") && noData.err().contains("nope.json"), noData.err());

    Result badModel = capture(() -> Main.run(new BatchCommand(), "--model", tmp.toString(), "--data",
        data.toString(), "--out", tmp.resolve("x2").toString()));
    assertEquals(1, badModel.exitCode());
    assertTrue(badModel.err().startsWith("error: --model: "), badModel.err());
    assertFalse(badModel.err().contains("\tat "), badModel.err());

    Result otherJob = batch(data, sparkOut, "--answer-mode", "greedy");
    assertEquals(1, otherJob.exitCode());
    assertTrue(otherJob.err().contains("holds predictions of another job"), otherJob.err());
  }

  // ------------------------------------------------------------------ helpers

  /**
   * An N-case small phantom set (seed 3, half for validation) and a micro model config over its restricted
   * vocabulary: the tiny preset's layout at toy widths, as lib's TrainCommandTest builds it.
   */
  static Path phantomAndMicroModel(Path dir, int cases, Path file) throws Exception {
    PhantomDataset.write(dir, cases, 3, 0.5, SizePreset.SMALL, (i, n, id, split, c) -> { });
    Dataset ds = DatasetLoader.load(dir, DatasetLoader.Options.defaults());
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

  static Result cli(String... args) {
    return capture(() -> Main.run(args));
  }

  static Result capture(java.util.function.IntSupplier body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    try (PrintStream po = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(po);
      System.setErr(pe);
      int code = body.getAsInt();
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static JsonObject json(Path p) throws IOException {
    return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
