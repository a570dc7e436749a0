package org.scribe3d.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.scribe3d.data.Region;
import org.scribe3d.text.RegionClassifier;
import org.scribe3d.text.RegionSplit;
import org.scribe3d.text.TermMatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scribe3d regions}: split report text into sentences and assign each to chest, abdomen,
 * pelvis or unknown; for a CT-RATE reports CSV, write one JSON line per sentence and/or an
 * AMOS-MM-like manifest with per-region findings (the paper's CT-RATE region split, {@link RegionSplit}).
 */
@Command(name = "regions", mixinStandardHelpOptions = true,
    description = {"Classify report sentences by region (chest, abdomen, pelvis, unknown).",
        "  regions --text TEXT [--json]",
        "  regions --csv REPORTS.csv [--column Findings_EN] [--out FILE.jsonl] [--to-manifest OUT.json]"})
public final class RegionsCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RegionsCommand.class);

  @Option(names = "--text", paramLabel = "TEXT", description = "Report text to classify.")
  String text;

  @Option(names = "--json", description = "With --text: print a JSON list (sentence, region, terms).")
  boolean json;

  @Option(names = "--csv", paramLabel = "REPORTS.csv", description = "CT-RATE style reports CSV.")
  Path csv;

  @Option(names = "--column", paramLabel = "NAME", defaultValue = "Findings_EN",
      description = "CSV column holding the report text (default: ${DEFAULT-VALUE}).")
  String column;

  @Option(names = "--out", paramLabel = "FILE.jsonl",
      description = "With --csv: one JSON object per sentence (row, VolumeName, sentence, region, terms).")
  Path out;

  @Option(names = "--to-manifest", paramLabel = "OUT.json",
      description = "With --csv: AMOS-MM-like dataset JSON, one item per VolumeName with findings per region.")
  Path manifest;

  @Option(names = "--unknown-to", paramLabel = "REGION", defaultValue = "drop",
      description = "With --to-manifest: where unknown sentences go: drop, chest, abdomen or pelvis "
          + "(default: ${DEFAULT-VALUE}).")
  String unknownTo;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  @Override
  public Integer call() throws IOException {
    if ((text == null) == (csv == null)) {
      throw new CliExit("give exactly one of --text or --csv", 2);
    }
    RegionClassifier classifier = new RegionClassifier();
    if (text != null) {
      if (out != null || manifest != null) {
        throw new CliExit("--out and --to-manifest go with --csv, not --text", 2);
      }
      List<RegionClassifier.Result> results = classifier.classifyText(text);
      if (json) {
        JsonArray arr = new JsonArray();
        for (RegionClassifier.Result r : results) {
          arr.add(sentenceJson(r));
        }
        System.out.println(GSON.toJson(arr));
      } else {
        for (RegionClassifier.Result r : results) {
          System.out.println(r.regionKey() + "\t" + r.sentence() + "\t"
              + String.join(", ", RegionSplit.regionTerms(r)));
        }
      }
      return 0;
    }
    if (out == null && manifest == null) {
      throw new CliExit("--csv needs --out FILE.jsonl and/or --to-manifest OUT.json", 2);
    }
    Region unknownRegion = null;
    if (!unknownTo.equalsIgnoreCase("drop")) {
      try {
        unknownRegion = Region.parse(unknownTo);
      } catch (IllegalArgumentException e) {
        throw new CliExit("--unknown-to must be drop, chest, abdomen or pelvis, not '" + unknownTo + "'", 2);
      }
    }
    runCsv(unknownRegion);
    return 0;
  }

  private static JsonObject sentenceJson(RegionClassifier.Result r) {
    JsonObject o = new JsonObject();
    o.addProperty("sentence", r.sentence());
    o.addProperty("region", r.regionKey());
    JsonArray terms = new JsonArray();
    for (TermMatch t : r.terms()) {
      if (t.region() != null) {
        JsonObject term = new JsonObject();
        term.addProperty("text", t.text());
        term.addProperty("term", t.term());
        term.addProperty("region", t.regionKey());
        term.addProperty("kind", t.kind());
        terms.add(term);
      }
    }
    o.add("terms", terms);
    return o;
  }

  private void runCsv(Region unknownRegion) throws IOException {
    RegionSplit.Result r = RegionSplit.run(csv, new RegionSplit.Settings(column, unknownRegion), out, manifest,
        System.err);
    if (r.duplicates() > 0) {
      LOG.warn("{}: {} rows repeat an earlier VolumeName; the manifest keeps the first report", csv, r.duplicates());
    }
    System.err.println("regions: " + r.summary());
  }
}
