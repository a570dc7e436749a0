package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.eval.CocoCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scribe3d metrics}: COCO caption metrics of line-aligned reference and hypothesis files. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = {"Score line-aligned reports (one per line) with the COCO caption metrics as pycocoevalcap",
        "computes them: PTB tokenisation, BLEU-1..4, ROUGE-L, CIDEr-D, and METEOR (exact + stem matching;",
        "see docs/metrics.md for how it differs from METEOR 1.5)."})
public final class MetricsCommand implements Callable<Integer> {
  @Option(names = "--refs", required = true, paramLabel = "REFS.txt", description = "Reference reports, one per line.")
  Path refs;

  @Option(names = "--hyps", required = true, paramLabel = "HYPS.txt", description = "Generated reports, one per line.")
  Path hyps;

  @Option(names = "--json", description = "Print JSON (keys bleu_1..bleu_4, rouge_l, cider, meteor).")
  boolean json;

  @Option(names = "--no-meteor", description = "Skip METEOR.")
  boolean noMeteor;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<String> r = lines(refs);
    List<String> h = lines(hyps);
    if (r.size() != h.size()) {
      throw new CliExit("line counts differ: " + refs + " has " + r.size() + " lines, " + hyps + " has " + h.size());
    }
    List<List<String>> refSets = new ArrayList<>();
    r.forEach(x -> refSets.add(List.of(x)));
    CocoCorpus c = CocoCorpus.fromRawText(h, refSets, !noMeteor);
    double[] bleu = c.bleu(null);
    JsonObject o = new JsonObject();
    for (int k = 0; k < 4; k++) {
      o.addProperty("bleu_" + (k + 1), bleu[k]);
    }
    o.addProperty("rouge_l", c.rougeL(null));
    o.addProperty("cider", c.cider(null));
    if (c.hasMeteor()) {
      o.addProperty("meteor", c.meteor(null));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
    } else {
      out.printf(Locale.ROOT, "%d reports%n", r.size());
      for (String k : o.keySet()) {
        out.printf(Locale.ROOT, "%-8s %.4f%n", k, o.get(k).getAsDouble());
      }
    }
    out.flush();
    return 0;
  }

  private static List<String> lines(Path p) throws IOException {
    if (!Files.exists(p)) {
      throw new NoSuchFileException(p.toString());
    }
    if (Files.isDirectory(p)) {
      throw new CliExit(p + " is a directory, expected a text file");
    }
    List<String> l;
    try {
      l = Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new CliExit(p + " is not UTF-8 text");
    }
    if (l.isEmpty()) {
      throw new CliExit(p + " is empty");
    }
    if (l.get(0).startsWith("\uFEFF")) {
      l.set(0, l.get(0).substring(1));
    }
    return l;
  }
}
