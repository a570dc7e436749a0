package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.DatasetStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code scribe3d dataset-info MANIFEST_OR_DATASET_JSON [--json]}: what a dataset holds. */
@Command(name = "dataset-info", mixinStandardHelpOptions = true,
    description = {"Summarise a dataset: cases per split, regions with findings, questions by type, the balance"
        + " of correct answer letters, report length in words and the number of training examples.",
        "PATH is a manifest (data-manifests/*.json), an AMOS-MM dataset.json, or a directory holding one"
            + " (a phantom when ground_truth.json is next to it). Missing images are an error unless"
            + " --no-check-images."})
public final class DatasetInfoCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", description = "Manifest, dataset.json or dataset directory.")
  Path path;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Option(names = "--root", paramLabel = "DIR", description = "Data root, replacing the manifest's root.")
  Path root;

  @Option(names = "--no-check-images", description = "Do not check that every image file exists.")
  boolean noCheck;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    Dataset d = DatasetLoader.load(path, new DatasetLoader.Options(!noCheck, root, null));
    DatasetStats s = DatasetStats.of(d);
    if (json) {
      o.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(s));
      return 0;
    }
    o.printf(Locale.ROOT, "dataset   %s (%s) from %s%n", s.name(), s.format(), d.source());
    o.printf(Locale.ROOT, "cases     %d: %s%n", s.cases(), join(s.casesPerSplit()));
    o.printf(Locale.ROOT, "regions with findings  %s%n", join(s.regionsWithFindings()));
    int q = s.questionsByType().values().stream().mapToInt(Integer::intValue).sum();
    o.printf(Locale.ROOT, "questions %d by type: %s%n", q, s.questionsByType().isEmpty() ? "none"
        : join(s.questionsByType()));
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Integer> e : s.answerLetters().entrySet()) {
      b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
      if (q > 0) {
        b.append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * e.getValue() / q));
      }
    }
    o.printf(Locale.ROOT, "answer letters  %s%n", b);
    DatasetStats.WordStats w = s.reportWords();
    o.printf(Locale.ROOT, "report words per case  mean %.1f, min %d, max %d%n", w.mean(), w.min(), w.max());
    for (Map.Entry<String, DatasetStats.WordStats> e : s.regionWords().entrySet()) {
      DatasetStats.WordStats r = e.getValue();
      o.printf(Locale.ROOT, "  %-8s %d reports, words mean %.1f, min %d, max %d%n", e.getKey(), r.count(),
          r.mean(), r.min(), r.max());
    }
    o.printf(Locale.ROOT, "training examples  %d report (one per region with findings), %d VQA%n",
        s.mrgExamples(), s.vqaExamples());
    return 0;
  }

  private static String join(Map<String, Integer> m) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Integer> e : m.entrySet()) {
      b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    return b.toString();
  }
}
