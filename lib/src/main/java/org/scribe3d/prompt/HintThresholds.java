package org.scribe3d.prompt;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run's finding-hints file: the hint prefix and, per finding-head label a hint may name, the probability at
 * which it is named ({@link FindingHint#of(FindingHint.Heads, FindingHint.Scores, double[])} takes them in the
 * head's label order, NaN for a label never named). Training judges which types the head gets right on its
 * training scans and writes the file; generation reads it, so that its prompts carry the hints the run
 * trained with.
 */
public final class HintThresholds {
  private HintThresholds() {}

  /** The file's JSON: the prefix and the threshold of every label that has one (NaN: left out). */
  public static JsonObject toJson(List<String> labels, double[] thresholds) {
    JsonObject named = new JsonObject();
    for (int l = 0; l < thresholds.length; l++) {
      if (!Double.isNaN(thresholds[l])) {
        named.addProperty(labels.get(l), thresholds[l]);
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("prefix", FindingHint.PREFIX);
    o.add("thresholds", named);
    return o;
  }

  /**
   * The thresholds of a hints file in the head's label order (labels it does not list: NaN, never named).
   *
   * @throws IllegalArgumentException if the file is not a hints file
   */
  public static double[] read(Path file, List<String> labels) throws IOException {
    try {
      JsonObject named = JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonObject("thresholds");
      double[] out = new double[labels.size()];
      for (int l = 0; l < out.length; l++) {
        out[l] = named.has(labels.get(l)) ? named.get(labels.get(l)).getAsDouble() : Double.NaN;
      }
      return out;
    } catch (RuntimeException e) { // malformed JSON, no "thresholds" object, a non-number
      throw new IllegalArgumentException(file + " is not a finding-hints file (" + e.getMessage() + ")", e);
    }
  }
}
