package org.scribe3d.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scribe3d.eval.Bootstrap;
import org.scribe3d.eval.EvalResult;
import org.scribe3d.eval.Evaluation;
import org.scribe3d.eval.Evaluator;
import org.scribe3d.eval.InvalidSettingException;
import org.scribe3d.eval.LlamaGreenJudge;
import org.scribe3d.eval.PairedComparison;
import org.scribe3d.infer.RunEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d evaluate}: the flags of {@link Evaluation} (a predictions file) or {@link
 * RunEvaluation} (a trained run, whose predictions are generated first), and the printed summary:
 * every metric with its interval, the paired comparison if asked for, and the files written.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score generated reports and VQA answers (PRED.jsonl, see docs/predictions-format.md) against"
        + " an AMOS-MM dataset.json: BLEU-1..4, ROUGE-L, METEOR, CIDEr-D, GREEN (with --green-model), finding"
        + " precision/recall/F1 and VQA accuracy, per region and per type, each with a 95%% bootstrap interval."
        + " Writes eval.json, per_case.csv and summary.html. With --run RUN_DIR the predictions are first generated"
        + " from a trained run (scribe3d train) into OUT/predictions.jsonl.")
public final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--predictions", paramLabel = "PRED.jsonl",
      description = "Predictions, one JSON object per line (docs/predictions-format.md). Give this or --run.")
  Path predictions;

  @Option(names = {"--run", "--model"}, paramLabel = "DIR",
      description = "Trained run (scribe3d train) or any model directory generate reads (a released M3D-LaMed model:"
          + " a zero-shot baseline): generate the split's predictions into OUT/predictions.jsonl (OUT defaults to"
          + " DIR/eval), then score them. Give this or --predictions.")
  Path run;

  @Option(names = "--weights", paramLabel = "float32|float16", defaultValue = "float32",
      description = "With --model: language-model weights in memory for a released model (default ${DEFAULT-VALUE}).")
  String weights;

  @Option(names = "--threads", description = "With --run: torch intra-op threads (default: all cores).")
  Integer threads;

  @Option(names = "--batch", defaultValue = "32",
      description = "With --run: prompts decoded together (default ${DEFAULT-VALUE}).")
  int batch;

  @Mixin DecodingOptions decoding; // with --run

  @Option(names = "--blind", description = "With --run: zero the image embeddings (blind control; runs trained with"
      + " image.blind are detected from their recipe without this).")
  boolean blind;

  @Option(names = "--data", required = true, paramLabel = "DATASET.json",
      description = "AMOS-MM dataset.json with the references (labels.report.findings, labels.qa).")
  Path data;

  @Option(names = "--split", defaultValue = "validation",
      description = "List of dataset.json holding the cases: training, validation or test (default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--green-model", paramLabel = "DIR",
      description = "Hugging Face Llama-architecture judge for GREEN (e.g. GREEN-RadLlama2-7b); without it GREEN is"
          + " skipped.")
  Path greenModel;

  @Option(names = "--green-max-new-tokens", defaultValue = "" + LlamaGreenJudge.DEFAULT_MAX_NEW_TOKENS,
      description = "Most tokens the judge may generate per report (default ${DEFAULT-VALUE}; GREEN's total limit"
          + " of 2048 tokens also applies).")
  int greenMaxNewTokens;

  @Option(names = "--bootstrap", defaultValue = "1000", paramLabel = "N",
      description = "Bootstrap resamples over cases (default ${DEFAULT-VALUE}).")
  int bootstrap;

  @Option(names = "--seed", defaultValue = "20240917", description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-meteor", description = "Skip METEOR.")
  boolean noMeteor;

  @Option(names = "--compare", paramLabel = "OTHER_eval.json",
      description = "Paired bootstrap against the run that an earlier 'scribe3d evaluate' wrote this eval.json for"
          + " (its predictions file is read again from inputs.predictions).")
  Path compare;

  @Option(names = "--compare-predictions", paramLabel = "OTHER.jsonl",
      description = "Paired bootstrap against another predictions file (same dataset and split).")
  Path comparePredictions;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory (default: the directory of the predictions file; with --run, RUN_DIR/eval).")
  Path out;

  @Spec CommandSpec spec;

  /** The flag of each setting the library names in its errors. */
  private static final Map<String, String> FLAGS = Map.ofEntries(Map.entry("predictions", "--predictions"),
      Map.entry("run", "--run"), Map.entry("threads", "--threads"), Map.entry("batch", "--batch"),
      Map.entry("data", "--data"), Map.entry("split", "--split"), Map.entry("greenModel", "--green-model"),
      Map.entry("greenMaxNewTokens", "--green-max-new-tokens"), Map.entry("bootstrap", "--bootstrap"),
      Map.entry("compareEval", "--compare"), Map.entry("comparePredictions", "--compare-predictions"),
      Map.entry("out", "--out"));

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((predictions == null) == (run == null)) {
      throw new CliExit("give exactly one of --predictions PRED.jsonl or --run/--model DIR", 2);
    }
    if (run == null && (threads != null || blind)) {
      throw new CliExit("--threads and --blind apply to --run only", 2);
    }
    EvalResult result;
    try {
      Evaluation.Settings settings = new Evaluation.Settings(data, split, bootstrap, seed, !noMeteor, greenModel,
          greenMaxNewTokens, compare, comparePredictions, out, Map.of());
      if (run == null) {
        result = Evaluation.evaluate(predictions, settings, err);
      } else {
        result = RunEvaluation.evaluate(new RunEvaluation.Settings(run, GenerateCommand.parseWeights(weights), threads,
            batch, blind,
            decoding.over(DecodingOptions.recorded(run), null)), settings, err, System.err);
      }
    } catch (InvalidSettingException e) {
      throw new CliExit(e.message(s -> FLAGS.getOrDefault(s, s)), e.usage() ? 2 : 1);
    }

    stdout.print(result.summaryText());
    result.comparison().ifPresent(c -> stdout.print(comparisonText(c)));
    Path dir = result.directory().orElseThrow();
    stdout.printf(Locale.ROOT, "wrote %s, %s, %s (%.1f s)%n", dir.resolve("eval.json"), dir.resolve("per_case.csv"),
        dir.resolve("summary.html"), result.seconds());
    stdout.flush();
    return 0;
  }

  private static String comparisonText(PairedComparison cmp) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%npaired bootstrap: this run (a) vs %s (b), difference a - b%n", cmp.b()));
    sb.append(String.format(Locale.ROOT, "%-44s %9s %9s %9s  %-21s %7s  %s%n", "metric", "a", "b", "a - b",
        "95% interval", "p", "verdict"));
    for (Evaluator.Comparison c : cmp.metrics()) {
      Bootstrap.Paired r = c.result();
      sb.append(String.format(Locale.ROOT, "%-44s %9s %9s %9s  %-21s %7s  %s%n", c.metric(), f4(r.a()), f4(r.b()),
          f4(r.difference()), Double.isNaN(r.lo()) ? "-" : "[" + f4(r.lo()) + ", " + f4(r.hi()) + "]",
          f4(r.pValue()), r.verdict()));
    }
    return sb.toString();
  }

  private static String f4(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }
}
