package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a small AMOS-MM-format dataset.json (validation list) and a matching predictions file, for
 * the evaluate tests and the evaluate benchmark ({@link #main}: generates the fixture only; the
 * timing is taken with the real CLI, see docs/benchmarks.md).
 */
public final class EvaluateFixture {
  private EvaluateFixture() {}

  static final String[][] SENTENCES = {
    {"Small left pleural effusion.", "A 6 mm nodule in the right upper lobe.", "Mild cardiomegaly.",
        "No pneumothorax.", "Emphysematous changes in both upper lobes.", "The heart size is normal."},
    {"Fatty infiltration of the liver.", "A 2 cm cyst in the left kidney.", "Gallbladder stones are seen.",
        "No ascites.", "Splenomegaly.", "The pancreas is unremarkable."},
    {"The bladder is distended.", "Enlarged prostate.", "A small amount of pelvic free fluid.",
        "No pelvic lymphadenopathy.", "Uterine fibroid.", "Sigmoid diverticulosis."}};
  static final String[] REGIONS = {"chest", "abdomen", "pelvis"};
  static final String[] TYPES = {"presence", "location", "size", "organ", "abnormality"};

  /** Paths of the written files. */
  record Written(Path dataset, Path predictions) {}

  /**
   * {@code cases} validation cases (amos_0000 …), each with findings for the three regions (empty
   * pelvis for every 4th case, as AMOS-MM has empty regions) and {@code questions} questions; the
   * predictions reuse some reference sentences and make some up, and answer about 2/3 of questions right.
   */
  static Written write(Path dir, int cases, int questions, long seed) throws IOException {
    return write(dir, cases, questions, 3, seed);
  }

  /** As above with reference reports of up to {@code sentences} sentences per region. */
  static Written write(Path dir, int cases, int questions, int sentences, long seed) throws IOException {
    Files.createDirectories(dir);
    Random rnd = new Random(seed);
    JsonArray items = new JsonArray();
    List<String> lines = new ArrayList<>();
    for (int c = 0; c < cases; c++) {
      String id = String.format("amos_%04d", c);
      JsonObject item = new JsonObject();
      item.addProperty("image", "./imagesVa/" + id + ".nii.gz");
      JsonObject findings = new JsonObject();
      for (int r = 0; r < 3; r++) {
        String ref = r == 2 && c % 4 == 3 ? "" : pick(SENTENCES[r], rnd, sentences);
        findings.addProperty(REGIONS[r], ref);
        String pred = rnd.nextInt(3) == 0 ? ref : pick(SENTENCES[r], rnd, Math.max(1, sentences - 1) + rnd.nextInt(2));
        JsonObject line = new JsonObject();
        line.addProperty("case_id", id);
        line.addProperty("region", REGIONS[r]);
        line.addProperty("prediction", pred);
        lines.add(line.toString());
      }
      JsonObject report = new JsonObject();
      report.add("findings", findings);
      JsonArray qa = new JsonArray();
      for (int q = 0; q < questions; q++) {
        String answer = String.valueOf("ABCD".charAt(rnd.nextInt(4)));
        JsonObject o = new JsonObject();
        o.addProperty("question", "Question " + q + " about " + id + "?");
        JsonObject opts = new JsonObject();
        for (String l : new String[] {"A", "B", "C", "D"}) {
          opts.addProperty(l, "option " + l);
        }
        o.add("options", opts);
        o.addProperty("answer", answer);
        o.addProperty("type", TYPES[q % TYPES.length]);
        qa.add(o);
        String predLetter = rnd.nextInt(3) < 2 ? answer : String.valueOf("ABCD".charAt(rnd.nextInt(4)));
        JsonObject line = new JsonObject();
        line.addProperty("case_id", id);
        line.addProperty("question_index", q);
        line.addProperty("type", TYPES[q % TYPES.length]);
        line.addProperty("prediction", predLetter.charAt(0) + ". option " + predLetter.charAt(0));
        line.addProperty("answer", answer);
        lines.add(line.toString());
      }
      JsonObject labels = new JsonObject();
      labels.add("report", report);
      labels.add("qa", qa);
      item.add("labels", labels);
      items.add(item);
    }
    JsonObject root = new JsonObject();
    root.add("training", new JsonArray());
    root.add("validation", items);
    Path dataset = dir.resolve("dataset.json");
    Files.writeString(dataset, new GsonBuilder().setPrettyPrinting().create().toJson(root), StandardCharsets.UTF_8);
    Path pred = dir.resolve("pred.jsonl");
    Files.write(pred, lines, StandardCharsets.UTF_8);
    return new Written(dataset, pred);
  }

  private static String pick(String[] pool, Random rnd, int k) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      String s = pool[rnd.nextInt(pool.length)];
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return String.join(" ", out);
  }

  /**
   * {@code EvaluateFixture DIR [cases] [questions] [sentences] [seed]}: writes DIR/dataset.json and
   * DIR/pred.jsonl.
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int cases = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int questions = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int sentences = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
    Written f = write(dir, cases, questions, sentences, seed);
    System.out.println("wrote " + f.dataset() + " and " + f.predictions());
  }
}
