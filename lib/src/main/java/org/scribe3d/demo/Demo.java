package org.scribe3d.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.io.FileTrees;
import org.scribe3d.data.Split;
import org.scribe3d.eval.EvalResult;
import org.scribe3d.eval.Evaluation;
import org.scribe3d.eval.Predictions;
import org.scribe3d.infer.RunEvaluation;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.recipe.RecipeFiles;
import org.scribe3d.report.RunReport;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.train.TrainRun;
import org.scribe3d.train.Trainer;

/**
 * The end-to-end run on the embedded phantom benchmark: synthesise the phantoms in the AMOS-MM layout (20% held
 * out), train the recipe on the training split, generate the held-out split's reports and answers as the run's
 * recipe decodes and score them, and with {@link Settings#blindControl} also the same recipe with the image
 * embeddings zeroed and no hints. Writes OUT/data, OUT/cache, OUT/run, OUT/blind, OUT/summary.json and
 * OUT/report.html; a rerun replaces the earlier run directories.
 */
public final class Demo {
  /** The phantoms: 480 (384 for training), small size. */
  public static final int CASES = 480;
  /** The recipe the demo trains unless told otherwise. */
  public static final String RECIPE = "demo";

  /** What the demo runs. */
  public static final class Settings {
    public Path out = Path.of("runs", "demo");
    public int cases = CASES;
    /** Seed of the phantoms; also the recipe's optim.seed. */
    public long seed = 7;
    /** A recipe file or shipped name. */
    public String recipe = RECIPE;
    /** Recipe overrides ("key=value"). */
    public List<String> overrides = new ArrayList<>();
    /** Wall-clock cap per training run, minutes. */
    public double minutes = 12;
    public int threads;
    public boolean blindControl;
    public int bootstrap = 200;
  }

  /** One step as a user would type it, and its time. */
  public record Step(String name, String command, double seconds) {}

  /** What the demo measured. */
  public record Result(EvalResult model, EvalResult blind, Recipe recipe, Trainer.Result training,
      double trainSeconds, double totalSeconds, List<Step> steps, Path dataset, Path run, Path summary, Path report) {}

  private Demo() {}

  public static Result run(Settings s, PrintWriter out, PrintStream progress) throws Exception {
    if (s.cases < 10) {
      throw new IllegalArgumentException("cases must be at least 10 (the validation split is 20% of them)");
    }
    long t0 = System.nanoTime();
    Files.createDirectories(s.out);
    Path data = s.out.resolve("data");
    Path dataset = data.resolve("dataset.json");
    Path cache = s.out.resolve("cache");
    Path run = s.out.resolve("run");
    Path blind = s.out.resolve("blind");
    List<String> overrides = new ArrayList<>(s.overrides);
    overrides.add("optim.seed=" + s.seed);
    overrides.add("data.cache=" + cache.toAbsolutePath());
    Recipe recipe = RecipeFiles.load(s.recipe, overrides); // a bad recipe fails before synthesis
    RecipeFiles.checkPaths(recipe);
    List<Step> steps = new ArrayList<>();

    final long synthStart = System.nanoTime();
    step(out, "synthesise the phantom benchmark", "scribe3d synth --out " + data + " --cases " + s.cases + " --seed "
        + s.seed + " --size small");
    PhantomDataset.Summary synth = PhantomDataset.write(data, s.cases, s.seed, 0.2, SizePreset.SMALL,
        (i, n, id, split, c) -> {
          if ((i + 1) % 48 == 0 || i + 1 == n) {
            double el = seconds(synthStart);
            out.printf(Locale.ROOT, "[%d/%d] cases (%.0f cases/min, ETA %.0f s)%n", i + 1, n, 60 * (i + 1) / el,
                el / (i + 1) * (n - i - 1));
            out.flush();
          }
        });
    out.printf(Locale.ROOT, "wrote %d training + %d validation cases to %s%n", synth.training(), synth.validation(),
        data);
    steps.add(new Step("synthesise the phantom benchmark", "scribe3d synth --out " + data + " --cases " + s.cases
        + " --seed " + s.seed + " --size small", seconds(synthStart)));

    for (Path previous : s.blindControl ? List.of(run, blind) : List.of(run)) {
      if (Files.exists(previous)) { // train refuses a directory that already has checkpoints
        out.printf("removing the previous demo's %s%n", previous);
        FileTrees.delete(previous);
      }
    }
    String trainCmd = trainCommand(s, dataset, run, cache, List.of());
    step(out, "train the recipe " + recipe.name, trainCmd);
    long ts = System.nanoTime();
    TrainRun.Outcome trained = TrainRun.run(recipe, settings(s, dataset, run), progress, false);
    double trainSeconds = seconds(ts);
    steps.add(new Step("train the recipe " + recipe.name, trainCmd, trainSeconds));
    EvalResult model = evaluate(s, out, progress, steps, run, dataset);

    EvalResult blindEval = null;
    if (s.blindControl) {
      List<String> blindSets = List.of("image.blind=true", "prompts.finding_hints=false", "prompts.true_hints=0");
      List<String> all = new ArrayList<>(overrides);
      all.addAll(blindSets);
      String cmd = trainCommand(s, dataset, blind, cache, blindSets);
      step(out, "train the blind control (image embeddings zeroed, no hints)", cmd);
      ts = System.nanoTime();
      TrainRun.run(RecipeFiles.load(s.recipe, all), settings(s, dataset, blind), progress, false);
      steps.add(new Step("train the blind control", cmd, seconds(ts)));
      blindEval = evaluate(s, out, progress, steps, blind, dataset);
    }
    double total = seconds(t0);
    Path summary = s.out.resolve("summary.json");
    Path report = s.out.resolve("report.html");
    Result r = new Result(model, blindEval, trained.recipe(), trained.result(), trainSeconds, total, steps, dataset,
        run, summary, report);
    DemoSummary.write(r, s, summary);
    writeReport(r, report);
    return r;
  }

  private static TrainRun.Settings settings(Settings s, Path dataset, Path run) {
    TrainRun.Settings t = new TrainRun.Settings().data(dataset).out(run).minutes(s.minutes);
    t.threads = s.threads;
    return t;
  }

  /** The held-out split generated as the run's recipe decodes, then scored. */
  private static EvalResult evaluate(Settings s, PrintWriter out, PrintStream progress, List<Step> steps, Path run,
      Path dataset) throws IOException {
    String cmd = "scribe3d evaluate --run " + run + " --data " + dataset + " --split validation --bootstrap "
        + s.bootstrap + (s.threads > 0 ? " --threads " + s.threads : "");
    step(out, "generate for the held-out split and evaluate", cmd);
    long ts = System.nanoTime();
    Evaluation.Settings e = Evaluation.Settings.of(dataset).withSplit("validation")
        .withBootstrap(s.bootstrap, Evaluation.Settings.DEFAULT_SEED).withOut(RunDirectory.of(run).evalDir());
    EvalResult r = RunEvaluation.evaluate(RunEvaluation.ofRun(run, s.threads > 0 ? s.threads : null), e, out, progress);
    steps.add(new Step("generate for the held-out split and evaluate", cmd, seconds(ts)));
    return r;
  }

  private static String trainCommand(Settings s, Path dataset, Path run, Path cache, List<String> sets) {
    StringBuilder b = new StringBuilder("scribe3d train --recipe " + s.recipe);
    for (String o : s.overrides) {
      b.append(" --set ").append(o);
    }
    for (String o : sets) {
      b.append(" --set ").append(o);
    }
    b.append(" --data ").append(dataset).append(" --out ").append(run).append(" --seed ").append(s.seed)
        .append(" --cache ").append(cache).append(" --minutes ").append(fmtMinutes(s.minutes));
    if (s.threads > 0) {
      b.append(" --threads ").append(s.threads);
    }
    return b.toString();
  }

  private static String fmtMinutes(double m) {
    return m == Math.rint(m) ? Long.toString((long) m) : Double.toString(m);
  }

  private static void step(PrintWriter out, String title, String command) {
    out.printf("%n== %s: %s%n", title, command);
    out.flush();
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void writeReport(Result r, Path file) throws IOException {
    Dataset ds = DatasetLoader.load(r.dataset(), DatasetLoader.Options.defaults());
    List<Case> val = ds.split(Split.VALIDATION);
    Map<String, com.google.gson.JsonObject> runs = new LinkedHashMap<>();
    runs.put("model", r.model().toJson());
    if (r.blind() != null) {
      runs.put("blind control", r.blind().toJson());
    }
    RunDirectory run = RunDirectory.of(r.run());
    Predictions preds = Predictions.read(RunDirectory.predictions(run.evalDir()));
    List<String> intro = new ArrayList<>();
    intro.add(String.format(Locale.ROOT, "Recipe %s trained on %d phantom cases for %.1f minutes; evaluated on %d"
            + " held-out cases. VQA accuracy %s, finding F1 %s%s.", r.recipe().name, ds.split(Split.TRAIN).size(),
        r.trainSeconds() / 60, val.size(), RunReport.fmt(r.model().vqaAccuracy().value()),
        RunReport.fmt(r.model().findingF1().value()),
        r.blind() == null ? "" : String.format(Locale.ROOT, " (blind control: VQA %s, F1 %s)",
            RunReport.fmt(r.blind().vqaAccuracy().value()), RunReport.fmt(r.blind().findingF1().value()))));
    intro.add("Full metrics with 95% bootstrap intervals: " + run.evalDir().resolve("summary.html"));
    RunReport.writeHtml(file, "Scribe3D demo", intro, runs, RunReport.curves(run.metrics()),
        val.subList(0, Math.min(4, val.size())), RunReport.reportsByCase(preds));
  }
}
