package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.io.FileTrees;
import org.scribe3d.data.ProjectHome;
import org.scribe3d.data.Split;
import org.scribe3d.eval.Predictions;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.report.RunReport;
import org.scribe3d.volume.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d demo}: the end-to-end run on the embedded phantom benchmark, made of the same
 * commands a user would type — synth, train (tiny preset), evaluate --run (generation on the held-out
 * split, then every metric) and, with --blind-control, the same training with the image embeddings
 * zeroed — then OUT/summary.json and OUT/report.html.
 *
 * <p>The image side starts from the pretrained encoder that ships with Scribe3D ({@value #SHIPPED_ENCODER},
 * the tiny preset's conv-stem ViT3D pretrained on phantoms of other seeds; models/README.md), the
 * analogue of the paper starting from M3D-CLIP's weights: it stays frozen, its tokens are standardised
 * against the demo's training scans, its finding head's diagnosis is put in words in front of every prompt
 * ({@code train --finding-hints}; not for the blind control, which gets nothing from the image), and the
 * projector and language model train. The language model starts from the shipped {@value #SHIPPED_LM}, as the
 * paper's starts from a pretrained Llama. {@code --from-scratch}
 * runs the earlier recipe (everything from random weights), which does not learn to read the image in
 * the demo's budget (docs/demo.md).
 *
 * <p>Training uses intensity-only augmentation: M3D's random 90° rotations and flips would turn a
 * "left renal cyst" into a right one while the report still says left, and the phantom reports and
 * questions name sides, lobes and segments.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Phantom-benchmark demo: synth -> train (tiny) -> evaluate --run on the validation split"
        + " [-> blind control], writing OUT/summary.json and OUT/report.html (default OUT runs/demo)."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR", description = "Output directory (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--cases", paramLabel = "N", description = "Phantom cases, 20%% held out (default " + CASES
      + "; " + SCRATCH_CASES + " with --from-scratch).")
  Integer cases;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Seed of the phantoms and the training (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--epochs", description = "Training epochs (default " + EPOCHS + "; " + SCRATCH_EPOCHS
      + " with --from-scratch).")
  Integer epochs;

  @Option(names = "--minutes", defaultValue = "12", description = "Wall-clock cap per training run, minutes (default ${DEFAULT-VALUE}; the schedule is sized by --epochs).")
  double minutes;

  @Option(names = "--batch", defaultValue = "8", description = "Micro-batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", description = "Peak learning rate (default 1e-4 from a pretrained language model, 1e-3 with"
      + " --no-lm-init or --from-scratch).")
  Double lr;

  @Option(names = "--threads", description = "Torch threads (default: all cores).")
  Integer threads;

  @Option(names = "--vision-init", paramLabel = "FILE",
      description = "Pretrained encoder file to start the image side from (default: the shipped "
          + SHIPPED_ENCODER + ").")
  Path visionInit;

  @Option(names = "--from-scratch", description = "Train every part from random weights (no pretrained encoder or"
      + " language model).")
  boolean fromScratch;

  @Option(names = "--lm-init", paramLabel = "DIR",
      description = "Pretrained tiny language model to start from: a Scribe3D model directory (default: the shipped "
          + SHIPPED_LM + ").")
  Path lmInit;

  @Option(names = "--no-lm-init", description = "Start the language model from random weights (the recipe before"
      + " session 13).")
  boolean noLmInit;

  @Option(names = "--no-finding-hints", description = "Do not put the encoder's finding-head diagnosis in front of the"
      + " prompts (the recipe before session 10; needed for an encoder file without a finding head).")
  boolean noFindingHints;

  @Option(names = "--true-hints", defaultValue = "" + TRUE_HINTS, paramLabel = "P",
      description = "Fraction of the training scans hinted with their reports' findings instead of the head's"
          + " diagnosis (train --true-hints; teaches the language model to follow its hint; held-out scans always"
          + " get the head's; default ${DEFAULT-VALUE}).")
  double trueHints;

  @Option(names = "--report-samples", defaultValue = "8", paramLabel = "N",
      description = "Reports by minimum Bayes risk over the greedy report and N samples, with the finding hint as"
          + " evidence (evaluate --report-samples; 0: greedy reports; default ${DEFAULT-VALUE}).")
  int reportSamples;

  @Option(names = "--blind-control", description = "Also train and evaluate the blind control (image embeddings zeroed).")
  boolean blindControl;

  @Option(names = "--bootstrap", defaultValue = "200", description = "Bootstrap resamples for the intervals (default ${DEFAULT-VALUE}).")
  int bootstrap;

  @Spec CommandSpec spec;

  /**
   * The default recipe's size: 480 phantoms (384 for training) seen 10 times each. 480 rather than 240 × 12:
   * with 192 training scans the language model learnt each scan's answers (VQA 0.83 on its training scans,
   * 0.52 held out; docs/demo.md, session 8); 10 epochs since packed rows (session 10) make an epoch 1.35×
   * cheaper and more passes are what the reports need (session 9).
   */
  static final int CASES = 480;
  static final int EPOCHS = 10;
  static final int SCRATCH_EPOCHS = 6;
  /** The peak learning rate of a language model trained from random weights. */
  static final double LR = 1e-3;
  /**
   * The peak learning rate of fine-tuning the pretrained language model: lower, so that 384 scans adjust what 9120
   * taught it rather than overwrite it (session 14, the same model and hints on the demo data: VQA 0.861 before any
   * fine-tuning (finding F1 0.788), 0.855 (0.815) after it at 1e-4, 0.850 (0.826) at 3e-4; session 13's 1e-3 took
   * its model from 0.833 to 0.816).
   */
  static final double LR_PRETRAINED_LM = 1e-4;
  /**
   * Every training scan hinted with its reports' findings: the language model then follows its hint (session 12,
   * stage-7 encoder, against the head's hints on every scan: finding F1 0.685 → 0.744, VQA 0.764 → 0.782; half
   * the scans: 0.705 / 0.784). Held-out scans always get the head's hint.
   */
  static final double TRUE_HINTS = 1.0;
  /** The from-scratch recipe of sessions 1–6 (its patch stem is slower; 480 cases would hit the time cap). */
  static final int SCRATCH_CASES = 240;

  /** The pretrained tiny encoder shipped in the checkout (see models/README.md). */
  public static final String SHIPPED_ENCODER = "models/tiny-encoder.safetensors";

  /**
   * The pretrained tiny language model shipped in the checkout (models/README.md): the analogue of the paper starting
   * from a pretrained Llama. Trained on other phantoms with their true hints, it has learnt to read a hint; from
   * random weights the demo's 384 scans taught it presence but not the sides and grades in parentheses (session 13).
   */
  public static final String SHIPPED_LM = "models/tiny-lm";

  private record Step(String name, List<String> args, double seconds) {}

  @Override
  public Integer call() throws Exception {
    if (cases == null) {
      cases = fromScratch ? SCRATCH_CASES : CASES;
    }
    if (epochs == null) {
      epochs = fromScratch ? SCRATCH_EPOCHS : EPOCHS;
    }
    if (cases < 10) {
      throw new CliExit("--cases must be at least 10 (the validation split is 20% of them)", 2);
    }
    if (!(trueHints >= 0 && trueHints <= 1)) {
      throw new CliExit("--true-hints must be in [0, 1], got " + trueHints, 2);
    }
    if (reportSamples < 0) {
      throw new CliExit("--report-samples must be ≥ 0, got " + reportSamples, 2);
    }
    if (fromScratch && visionInit != null) {
      throw new CliExit("--from-scratch and --vision-init exclude each other", 2);
    }
    Path encoder = fromScratch ? null : visionInit != null ? visionInit : ProjectHome.file(SHIPPED_ENCODER)
        .orElseThrow(() -> new CliExit("the pretrained encoder " + SHIPPED_ENCODER + " is not in this checkout"
            + " (give --vision-init FILE, or --from-scratch)", 1));
    if (encoder != null && !Files.isRegularFile(encoder)) {
      throw new CliExit("no pretrained encoder file " + encoder, 1);
    }
    if (lmInit != null && (noLmInit || fromScratch)) {
      throw new CliExit("--lm-init excludes --no-lm-init and --from-scratch", 2);
    }
    Path lm = fromScratch || noLmInit ? null : lmInit != null ? lmInit
        : ProjectHome.file(SHIPPED_LM + "/" + MultimodalModel.CONFIG_FILE).map(Path::getParent).orElseThrow(() -> new CliExit(
            "the pretrained language model " + SHIPPED_LM + " is not in this checkout (give --lm-init DIR, or"
            + " --no-lm-init)", 1));
    if (lm != null && !Files.isRegularFile(lm.resolve(MultimodalModel.CONFIG_FILE))) {
      throw new CliExit("no pretrained language model in " + lm + " (config.json and model.safetensors expected)", 1);
    }
    if (lr == null) {
      lr = lm != null ? LR_PRETRAINED_LM : LR;
    }
    if (!(lr > 0)) {
      throw new CliExit("--lr must be positive, got " + lr, 2);
    }
    PrintWriter o = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    Files.createDirectories(out);
    Path data = out.resolve("data");
    Path dataset = data.resolve("dataset.json");
    Path cache = out.resolve("cache");
    Path run = out.resolve("run");
    Path blind = out.resolve("blind");
    List<Step> steps = new ArrayList<>();

    run(o, steps, "synthesise the phantom benchmark", "synth", "--out", data.toString(), "--cases",
        Integer.toString(cases), "--seed", Long.toString(seed), "--size", "small");
    run(o, steps, "summarise it", "dataset-info", dataset.toString(), "--no-check-images");

    Path pipeline = null; // with an encoder: the pipeline it was pretrained on (stored in the file)
    if (encoder == null) {
      pipeline = out.resolve("pipeline.json");
      AtomicFiles.writeString(pipeline, intensityOnly().toJson() + "\n");
    }

    // a demo starts its runs afresh: an earlier demo's run and blind control (its own outputs) go first,
    // or train would refuse a directory that already has checkpoints
    for (Path previous : blindControl ? List.of(run, blind) : List.of(run)) {
      if (Files.exists(previous)) {
        o.printf("removing the previous demo's %s%n", previous);
        FileTrees.delete(previous);
      }
    }
    Step training = run(o, steps, "train the tiny preset", trainArgs(dataset, run, cache, pipeline, encoder, lm, false));
    run(o, steps, "generate for the held-out split and evaluate", evalArgs(run, dataset));
    if (blindControl) {
      run(o, steps, "train the blind control (image embeddings zeroed)",
          trainArgs(dataset, blind, cache, pipeline, encoder, lm, true));
      run(o, steps, "generate and evaluate the blind control", evalArgs(blind, dataset));
    }

    JsonObject eval = RunReport.readEval(run.resolve("eval").resolve("eval.json"));
    JsonObject blindEval = blindControl ? RunReport.readEval(blind.resolve("eval").resolve("eval.json")) : null;
    RunReport.Curves curves = RunReport.curves(run.resolve("metrics.jsonl"));
    double trainSeconds = training.seconds();

    JsonObject summary = new JsonObject();
    summary.addProperty("vqa_accuracy", RunReport.metric(eval, "vqa.all.accuracy"));
    summary.addProperty("finding_f1", RunReport.metric(eval, "findings.all.f1"));
    // what the encoder's hints alone state, matched as the reports are (absent without hints)
    summary.addProperty("hint_finding_f1", RunReport.metric(eval, "hint_findings.all.f1"));
    summary.addProperty("train_minutes", round(trainSeconds / 60.0));
    if (blindEval != null) {
      summary.addProperty("blind_vqa_accuracy", RunReport.metric(blindEval, "vqa.all.accuracy"));
      summary.addProperty("blind_finding_f1", RunReport.metric(blindEval, "findings.all.f1"));
    }
    summary.add("intervals_95", intervals(eval));
    JsonObject perRegion = new JsonObject();
    for (String r : List.of("chest", "abdomen", "pelvis")) {
      perRegion.addProperty(r, RunReport.metric(eval, "findings." + r + ".f1"));
    }
    summary.add("finding_f1_by_region", perRegion);
    JsonObject byType = new JsonObject();
    RunReport.metricsBetween(eval, "vqa.type.", ".accuracy").forEach(byType::addProperty);
    summary.add("vqa_accuracy_by_type", byType);
    summary.addProperty("train_steps", curves.steps().length == 0 ? 0 : (long) curves.steps()[curves.steps().length - 1]);
    summary.addProperty("final_train_loss", curves.loss().length == 0 ? Double.NaN
        : RunReport.runningMean(curves.loss(), 25)[curves.loss().length - 1]);
    summary.addProperty("vision_init", encoder == null ? null : encoder.toString());
    summary.addProperty("lm_init", lm == null ? null : lm.toString());
    summary.addProperty("cases", cases);
    summary.addProperty("seed", seed);
    summary.addProperty("dataset", dataset.toString());
    summary.addProperty("run", run.toString());
    summary.addProperty("report", out.resolve("report.html").toString());
    JsonArray stepArr = new JsonArray();
    for (Step s : steps) {
      JsonObject j = new JsonObject();
      j.addProperty("step", s.name());
      j.addProperty("command", "scribe3d " + String.join(" ", s.args()));
      j.addProperty("seconds", round(s.seconds()));
      stepArr.add(j);
    }
    summary.add("steps", stepArr);
    double total = (System.nanoTime() - t0) / 1e9;
    summary.addProperty("total_minutes", round(total / 60.0));

    Dataset ds = DatasetLoader.load(dataset, DatasetLoader.Options.defaults());
    List<Case> val = ds.split(Split.VALIDATION);
    Map<String, JsonObject> runs = new LinkedHashMap<>();
    runs.put("model", eval);
    if (blindEval != null) {
      runs.put("blind control", blindEval);
    }
    Predictions preds = Predictions.read(run.resolve("eval").resolve("predictions.jsonl"));
    List<String> intro = new ArrayList<>();
    intro.add(String.format(Locale.ROOT, "Tiny preset trained on %d phantom cases for %.1f minutes%s; evaluated on %d"
        + " held-out cases. VQA accuracy %s, finding F1 %s%s.", ds.split(Split.TRAIN).size(), trainSeconds / 60,
        encoder == null ? " from random weights" : " from the pretrained encoder " + encoder.getFileName() + " (frozen"
            + (noFindingHints ? ")" : ", its finding head's diagnosis in front of the prompts)"),
        val.size(), RunReport.fmt(RunReport.metric(eval, "vqa.all.accuracy")), RunReport.fmt(RunReport.metric(eval, "findings.all.f1")),
        blindEval == null ? "" : String.format(Locale.ROOT, " (blind control: VQA %s, F1 %s)",
            RunReport.fmt(RunReport.metric(blindEval, "vqa.all.accuracy")), RunReport.fmt(RunReport.metric(blindEval, "findings.all.f1")))));
    intro.add("Full metrics with 95% bootstrap intervals: " + run.resolve("eval").resolve("summary.html"));
    RunReport.writeHtml(out.resolve("report.html"), "Scribe3D demo", intro, runs, curves,
        val.subList(0, Math.min(4, val.size())), RunReport.reportsByCase(preds));

    AtomicFiles.writeString(out.resolve("summary.json"),
        new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create()
            .toJson(summary) + "\n");
    printTable(o, eval, blindEval, trainSeconds, total);
    o.printf("summary: %s%nreport:  %s%n", out.resolve("summary.json"), out.resolve("report.html"));
    o.flush();
    return 0;
  }

  /** M3D's preprocessing with intensity augmentation only (see the class comment). */
  static Pipeline intensityOnly() {
    List<Pipeline.Step> s = new ArrayList<>(Pipeline.defaults(ModelPresets.tinyInput(), null, true, true).steps());
    s.add(new Pipeline.ScaleIntensity(0.1, 0.5));
    s.add(new Pipeline.ShiftIntensity(0.1, 0.5));
    return new Pipeline(s);
  }

  private String[] trainArgs(Path dataset, Path dir, Path cache, Path pipeline, Path encoder, Path lm,
      boolean blindRun) {
    List<String> a = new ArrayList<>(List.of("train", "--preset", "tiny", "--data", dataset.toString(), "--out",
        dir.toString(), "--epochs", Integer.toString(epochs), "--minutes", Double.toString(minutes), "--batch",
        Integer.toString(batch), "--lr", Double.toString(lr), "--seed", Long.toString(seed), "--cache", cache.toString(),
        "--val-samples", "64"));
    if (encoder != null) {
      a.addAll(List.of("--vision-init", encoder.toString(), "--freeze-vision", "--standardize-tokens"));
      if (!blindRun && !noFindingHints) { // the hints come from the image: never for the blind control
        a.add("--finding-hints");
        if (trueHints > 0) {
          a.add("--true-hints");
          a.add(Double.toString(trueHints));
        }
      }
    } else {
      a.addAll(List.of("--pipeline", pipeline.toString()));
    }
    if (lm != null) { // the run's vocabulary takes in the model's tokens, and its rows go to them
      a.addAll(List.of("--llm", lm.toString()));
    }
    if (threads != null) {
      a.add("--threads");
      a.add(threads.toString());
    }
    if (blindRun) {
      a.add("--blind");
    }
    return a.toArray(new String[0]);
  }

  private String[] evalArgs(Path dir, Path dataset) {
    List<String> a = new ArrayList<>(List.of("evaluate", "--run", dir.toString(), "--data", dataset.toString(),
        "--split", "validation", "--bootstrap", Integer.toString(bootstrap), "--out", dir.resolve("eval").toString()));
    if (threads != null) {
      a.add("--threads");
      a.add(threads.toString());
    }
    if (reportSamples > 0) {
      a.add("--report-samples");
      a.add(Integer.toString(reportSamples));
    }
    return a.toArray(new String[0]);
  }

  private static JsonObject intervals(JsonObject eval) {
    JsonObject j = new JsonObject();
    for (String k : List.of("vqa.all.accuracy", "findings.all.f1")) {
      double[] iv = RunReport.interval(eval, k);
      JsonArray a = new JsonArray();
      a.add(iv[0]);
      a.add(iv[1]);
      j.add(k, a);
    }
    return j;
  }

  private static void printTable(PrintWriter o, JsonObject eval, JsonObject blind, double trainSeconds, double total) {
    o.printf("%n%-28s %10s%s%n", "", "model", blind == null ? "" : String.format("%16s", "blind control"));
    String[][] rows = {{"VQA accuracy", "vqa.all.accuracy"}, {"finding F1 (all regions)", "findings.all.f1"},
        {"finding F1 chest", "findings.chest.f1"}, {"finding F1 abdomen", "findings.abdomen.f1"},
        {"finding F1 pelvis", "findings.pelvis.f1"}, {"finding F1 of the hints", "hint_findings.all.f1"},
        {"BLEU-4 (all)", "report.all.bleu_4"},
        {"ROUGE-L (all)", "report.all.rouge_l"}};
    for (String[] r : rows) {
      o.printf("%-28s %10s%s%n", r[0], RunReport.fmt(RunReport.metric(eval, r[1])),
          blind == null ? "" : String.format("%16s", RunReport.fmt(RunReport.metric(blind, r[1]))));
    }
    o.printf(Locale.ROOT, "%-28s %10.1f%n%-28s %10.1f%n", "training minutes", trainSeconds / 60, "demo minutes", total / 60);
  }

  private Step run(PrintWriter o, List<Step> steps, String title, String... args) {
    o.printf("%n== %s: scribe3d %s%n", title, String.join(" ", args));
    o.flush();
    long t0 = System.nanoTime();
    int code = Main.run(args);
    double secs = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      throw new CliExit("demo step 'scribe3d " + args[0] + "' failed (exit " + code + ")", code);
    }
    Step step = new Step(title, List.of(args), secs);
    steps.add(step);
    return step;
  }



  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }


}
