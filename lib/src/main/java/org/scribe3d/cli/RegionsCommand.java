package org.scribe3d.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.io.Csv;
import org.scribe3d.data.Region;
import org.scribe3d.text.RegionClassifier;
import org.scribe3d.text.TermMatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scribe3d regions}: split report text into sentences and assign each to chest, abdomen,
 * pelvis or unknown; for a CT-RATE reports CSV, write one JSON line per sentence and/or an
 * AMOS-MM-like manifest with per-region findings (the paper's CT-RATE region split).
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
          System.out.println(r.regionKey() + "\t" + r.sentence() + "\t" + String.join(", ", regionTerms(r)));
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
    runCsv(classifier, unknownRegion);
    return 0;
  }

  private static List<String> regionTerms(RegionClassifier.Result r) {
    List<String> terms = new ArrayList<>();
    for (TermMatch t : r.terms()) {
      if (t.region() != null) {
        terms.add(t.text());
      }
    }
    return terms;
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

  /** Per-volume accumulation for the manifest. */
  private static final class Item {
    final String volume;
    final Map<Region, StringBuilder> findings = new EnumMap<>(Region.class);

    Item(String volume) {
      this.volume = volume;
      for (Region r : Region.values()) {
        findings.put(r, new StringBuilder());
      }
    }
  }

  private void runCsv(RegionClassifier classifier, Region unknownRegion) throws IOException {
    if (!Files.isRegularFile(csv)) {
      throw new CliExit("reports CSV not found: " + csv);
    }
    Csv reports = Csv.read(csv); // malformed CSV: one "FILE:LINE: ..." error before any output
    List<String> header = reports.header();
    int col = header.indexOf(column);
    if (col < 0) {
      throw new CliExit(csv + ": no column '" + column + "' (columns: " + String.join(", ", header) + ")");
    }
    int volCol = header.indexOf("VolumeName");
    if (manifest != null && volCol < 0) {
      throw new CliExit(csv + ": --to-manifest needs a VolumeName column (columns: " + String.join(", ", header) + ")");
    }
    AtomicFiles.Pending jsonl = out == null ? null : begin(out);
    Map<String, Item> items = new LinkedHashMap<>();
    long[] perRegion = new long[4];
    int rows = 0;
    int duplicates = 0;
    long sentences = 0;
    long t0 = System.nanoTime();
    long lastReport = t0;
    try (Writer w = jsonl == null ? Writer.nullWriter() : jsonl.writer()) {
      for (Csv.Row csvRow : reports.rows()) {
        List<String> rec = csvRow.fields();
        int row = rows++;
        String volume = volCol >= 0 ? rec.get(volCol) : null;
        Item item = null;
        if (manifest != null) {
          if (items.containsKey(volume)) {
            duplicates++; // keep the first report of a volume
          } else {
            item = new Item(volume);
            items.put(volume, item);
          }
        }
        for (RegionClassifier.Result res : classifier.classifyText(rec.get(col))) {
          sentences++;
          perRegion[res.region() == null ? 3 : res.region().ordinal()]++;
          if (jsonl != null) {
            JsonObject o = new JsonObject();
            o.addProperty("row", row);
            if (volume != null) {
              o.addProperty("VolumeName", volume);
            }
            o.addProperty("sentence", res.sentence());
            o.addProperty("region", res.regionKey());
            o.add("terms", GSON.toJsonTree(regionTerms(res)));
            w.write(GSON.toJson(o));
            w.write('\n');
          }
          Region target = res.region() != null ? res.region() : unknownRegion;
          if (item != null && target != null) {
            StringBuilder b = item.findings.get(target);
            if (b.length() > 0) {
              b.append(' ');
            }
            b.append(res.sentence());
          }
        }
        long now = System.nanoTime();
        if (now - lastReport > 5_000_000_000L) {
          lastReport = now;
          System.err.printf(Locale.ROOT, "regions: %d rows, %d sentences, %.0f rows/s%n", rows, sentences,
              rows / ((now - t0) / 1e9));
        }
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(jsonl);
      throw e;
    }
    if (jsonl != null) {
      try (jsonl) {
        jsonl.commit();
      }
    }
    if (manifest != null) {
      writeManifest(items.values());
    }
    if (duplicates > 0) {
      LOG.warn("{}: {} rows repeat an earlier VolumeName; the manifest keeps the first report", csv, duplicates);
    }
    System.err.printf(Locale.ROOT, "regions: %d rows, %d sentences: chest %d, abdomen %d, pelvis %d, unknown %d%n",
        rows, sentences, perRegion[0], perRegion[1], perRegion[2], perRegion[3]);
  }

  private void writeManifest(Iterable<Item> items) throws IOException {
    JsonObject root = new JsonObject();
    root.addProperty("name", "CT-RATE (region split by scribe3d regions)");
    root.addProperty("source", csv.getFileName().toString());
    root.addProperty("column", column);
    root.addProperty("unknown_sentences", unknownTo.toLowerCase(Locale.ROOT));
    JsonArray training = new JsonArray();
    JsonArray validation = new JsonArray();
    for (Item it : items) {
      JsonObject o = new JsonObject();
      o.addProperty("image", ctRateImagePath(it.volume));
      o.addProperty("VolumeName", it.volume);
      JsonObject findings = new JsonObject();
      for (Region r : Region.values()) {
        findings.addProperty(r.key(), it.findings.get(r).toString());
      }
      JsonObject report = new JsonObject();
      report.add("findings", findings);
      JsonObject labels = new JsonObject();
      labels.add("report", report);
      labels.add("qa", new JsonArray());
      o.add("labels", labels);
      (it.volume.startsWith("valid") ? validation : training).add(o);
    }
    root.add("training", training);
    root.add("validation", validation);
    try (AtomicFiles.Pending pending = begin(manifest)) {
      try (BufferedWriter w = pending.writer()) {
        new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create().toJson(root, w);
        w.write('\n');
      }
      pending.commit();
    }
  }

  /**
   * CT-RATE layout: {@code train_1_a_1.nii.gz} lives in {@code dataset/train/train_1/train_1_a/}.
   * Names that do not follow the pattern are kept as they are.
   */
  static String ctRateImagePath(String volume) {
    String[] p = volume.split("_");
    if (p.length >= 4 && (p[0].equals("train") || p[0].equals("valid"))) {
      String patient = p[0] + "_" + p[1];
      String scan = patient + "_" + p[2];
      return "dataset/" + p[0] + "/" + patient + "/" + scan + "/" + volume;
    }
    return volume;
  }

  /** Starts writing {@code target} atomically; its directory must exist (it is not created). */
  private static AtomicFiles.Pending begin(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new CliExit("output directory does not exist: " + dir);
    }
    return AtomicFiles.begin(target);
  }

  private static void closeQuietly(AtomicFiles.Pending p) {
    if (p != null) {
      try {
        p.close();
      } catch (IOException | RuntimeException ignored) {
        // best effort: the temp file is hidden and harmless
      }
    }
  }
}
