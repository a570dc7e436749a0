package org.scribe3d.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.scribe3d.data.Region;

/**
 * The predictions of one system (documented in docs/predictions-format.md): JSON Lines, one object
 * per line, either a report line {@code {"case_id","region","prediction","reference"?,"hint"?}} or a VQA line
 * {@code {"case_id","question_index","type","prediction","answer"}}.
 */
public record Predictions(List<Report> reports, List<Vqa> vqa) {

  /**
   * A generated report for one case and region; reference may be null (then taken from the dataset); hint is the
   * finding hint the prompt carried (runs trained with finding hints), else null.
   */
  public record Report(String caseId, Region region, String prediction, String reference, String hint) {
    public Report(String caseId, Region region, String prediction, String reference) {
      this(caseId, region, prediction, reference, null);
    }
  }

  /** A generated answer to question {@code questionIndex} of a case; answer is the correct letter. */
  public record Vqa(String caseId, int questionIndex, String type, String prediction, String answer) {}

  public Predictions {
    reports = List.copyOf(reports);
    vqa = List.copyOf(vqa);
  }

  /** Reads a predictions file; any problem is an IllegalArgumentException naming file and line. */
  public static Predictions read(Path file) throws IOException {
    List<Report> reports = new ArrayList<>();
    List<Vqa> vqa = new ArrayList<>();
    Set<String> seenReports = new HashSet<>();
    Set<String> seenQuestions = new HashSet<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (no == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        String where = file + " line " + no;
        JsonObject o;
        try {
          JsonElement e = JsonParser.parseString(line);
          if (!e.isJsonObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
          }
          o = e.getAsJsonObject();
        } catch (JsonParseException e) {
          throw new IllegalArgumentException(where + ": not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        String caseId = string(o, "case_id", where, true);
        if (caseId.isBlank()) {
          throw new IllegalArgumentException(where + ": 'case_id' is empty");
        }
        if (o.has("question_index")) {
          int qi = integer(o, "question_index", where);
          String type = string(o, "type", where, true);
          String pred = string(o, "prediction", where, true);
          String ans = string(o, "answer", where, true);
          if (VqaAccuracy.letterOf(ans) == null) {
            throw new IllegalArgumentException(where + ": 'answer' must start with the option letter, got '" + ans + "'");
          }
          if (!seenQuestions.add(caseId + "\u0000" + qi)) {
            throw new IllegalArgumentException(where + ": duplicate question " + qi + " of case '" + caseId + "'");
          }
          vqa.add(new Vqa(caseId, qi, type, pred, ans));
        } else if (o.has("region")) {
          Region region;
          try {
            region = Region.parse(string(o, "region", where, true));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
          }
          String pred = string(o, "prediction", where, true);
          String ref = o.has("reference") && !o.get("reference").isJsonNull() ? string(o, "reference", where, true) : null;
          if (!seenReports.add(caseId + "\u0000" + region)) {
            throw new IllegalArgumentException(where + ": duplicate prediction for case '" + caseId + "' region "
                + region.key());
          }
          String hint = o.has("hint") && !o.get("hint").isJsonNull() ? string(o, "hint", where, true) : null;
          reports.add(new Report(caseId, region, pred, ref, hint));
        } else {
          throw new IllegalArgumentException(where + ": neither a report line (needs 'region') nor a VQA line"
              + " (needs 'question_index')");
        }
      }
    }
    if (reports.isEmpty() && vqa.isEmpty()) {
      throw new IllegalArgumentException(file + ": no predictions (file is empty)");
    }
    return new Predictions(reports, vqa);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  private static String string(JsonObject o, String key, String where, boolean required) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      if (required) {
        throw new IllegalArgumentException(where + ": missing field '" + key + "'");
      }
      return null;
    }
    if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isString()) {
      throw new IllegalArgumentException(where + ": field '" + key + "' must be a string");
    }
    return e.getAsString();
  }

  private static int integer(JsonObject o, String key, String where) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
      throw new IllegalArgumentException(where + ": field '" + key + "' must be an integer");
    }
    double d = e.getAsDouble();
    if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(where + ": field '" + key + "' must be a non-negative integer, got " + e);
    }
    return (int) d;
  }
}
