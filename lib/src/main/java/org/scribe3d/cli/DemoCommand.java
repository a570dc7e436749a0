package org.scribe3d.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.data.Region;
import org.scribe3d.demo.Demo;
import org.scribe3d.eval.EvalResult;
import org.scribe3d.eval.InvalidSettingException;
import org.scribe3d.eval.ReportMetric;
import org.scribe3d.recipe.RecipeException;
import org.scribe3d.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scribe3d demo}: {@link Demo} on the embedded phantom benchmark; prints its summary table. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Phantom-benchmark demo: synthesise 480 phantom CTs, train recipes/demo.json (or --recipe), generate"
        + " and score the held-out split [and the blind control], writing OUT/summary.json and OUT/report.html"
        + " (default OUT runs/demo; a rerun replaces the previous run). What the recipe does and why: docs/method.md."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR", description = "Output directory (default"
      + " ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--recipe", defaultValue = Demo.RECIPE, paramLabel = "FILE|NAME", description = "The recipe to train"
      + " (default ${DEFAULT-VALUE}: recipes/demo.json).")
  String recipe;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one recipe key (repeatable), e.g."
      + " prompts.finding_hints=false.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--cases", defaultValue = "" + Demo.CASES, paramLabel = "N", description = "Phantom cases, 20%% held"
      + " out (default ${DEFAULT-VALUE}).")
  int cases;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Seed of the phantoms and the training"
      + " (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--epochs", description = "Training epochs (recipe key optim.epochs; the demo's recipe: 10).")
  Integer epochs;

  @Option(names = "--minutes", defaultValue = "12", description = "Wall-clock cap per training run, minutes (default"
      + " ${DEFAULT-VALUE}; the schedule is sized by the epochs).")
  double minutes;

  @Option(names = "--threads", description = "Torch threads (default: all cores).")
  Integer threads;

  @Option(names = "--blind-control", description = "Also train and evaluate the blind control (the same recipe with the"
      + " image embeddings zeroed and no hints).")
  boolean blindControl;

  @Option(names = "--bootstrap", defaultValue = "200", description = "Bootstrap resamples for the intervals (default"
      + " ${DEFAULT-VALUE}).")
  int bootstrap;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (cases < 10) {
      throw new CliExit("--cases must be at least 10 (the validation split is 20% of them)", 2);
    }
    if (!(minutes > 0)) {
      throw new CliExit("--minutes must be positive, got " + minutes, 2);
    }
    Demo.Settings s = new Demo.Settings();
    s.out = out;
    s.recipe = recipe;
    s.overrides = new ArrayList<>(sets);
    if (epochs != null) {
      s.overrides.add("optim.epochs=" + epochs);
    }
    s.cases = cases;
    s.seed = seed;
    s.minutes = minutes;
    s.threads = threads == null ? 0 : threads;
    s.blindControl = blindControl;
    s.bootstrap = bootstrap;
    PrintWriter o = spec.commandLine().getOut();
    Demo.Result r;
    try {
      r = Demo.run(s, o, System.err);
    } catch (RecipeException e) {
      throw new CliExit(ErrorMessages.recipe(e), 2);
    } catch (InvalidSettingException e) {
      throw new CliExit(e.getMessage(), e.usage() ? 2 : 1);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliExit(e.getMessage(), 1);
    }
    printTable(o, r);
    o.printf("summary: %s%nreport:  %s%n", r.summary(), r.report());
    o.flush();
    return 0;
  }

  private static void printTable(PrintWriter o, Demo.Result r) {
    EvalResult m = r.model();
    EvalResult b = r.blind();
    o.printf("%n%-28s %10s%s%n", "", "model", b == null ? "" : String.format("%16s", "blind control"));
    row(o, "VQA accuracy", m.vqaAccuracy(), b == null ? null : b.vqaAccuracy());
    row(o, "finding F1 (all regions)", m.findingF1(), b == null ? null : b.findingF1());
    for (Region region : new Region[] {Region.CHEST, Region.ABDOMEN, Region.PELVIS}) {
      row(o, "finding F1 " + region.key(), m.findingF1(region), b == null ? null : b.findingF1(region));
    }
    row(o, "finding F1 of the hints", m.hintFindingF1(), b == null ? null : b.hintFindingF1());
    row(o, "BLEU-4 (all)", m.reportMetric(ReportMetric.BLEU_4), b == null ? null : b.reportMetric(ReportMetric.BLEU_4));
    row(o, "ROUGE-L (all)", m.reportMetric(ReportMetric.ROUGE_L),
        b == null ? null : b.reportMetric(ReportMetric.ROUGE_L));
    o.printf(Locale.ROOT, "%-28s %10.1f%n%-28s %10.1f%n", "training minutes", r.trainSeconds() / 60, "demo minutes",
        r.totalSeconds() / 60);
  }

  private static void row(PrintWriter o, String name, EvalResult.Metric a, EvalResult.Metric b) {
    o.printf("%-28s %10s%s%n", name, RunReport.fmt(a.value()),
        b == null ? "" : String.format("%16s", RunReport.fmt(b.value())));
  }
}
