package org.scribe3d.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.io.JsonFiles;

/**
 * Loader for the AMOS-MM 2024 {@code dataset.json}: lists {@code training}, {@code validation} (and
 * {@code test}) of items with {@code image} (relative to the file, e.g. "./imagesTr/amos_0001.nii.gz"),
 * {@code labels.report.findings.{chest,abdomen,pelvis}} and {@code labels.qa}.
 */
public final class AmosMm {
  private AmosMm() {}

  private static final Map<String, Split> LISTS = new LinkedHashMap<>();

  static {
    LISTS.put("training", Split.TRAIN);
    LISTS.put("validation", Split.VALIDATION);
    LISTS.put("test", Split.TEST);
  }

  public static Dataset load(Path datasetJson, boolean checkImages) {
    return load(datasetJson, datasetJson.toAbsolutePath().getParent(), checkImages, "amos-mm");
  }

  /** @param root the directory image paths are relative to (normally the file's directory) */
  public static Dataset load(Path datasetJson, Path root, boolean checkImages, String format) {
    JsonObject top = JsonFiles.object(JsonFiles.read(datasetJson), datasetJson, "top level");
    List<Case> cases = new ArrayList<>();
    boolean any = false;
    for (Map.Entry<String, Split> e : LISTS.entrySet()) {
      if (!top.has(e.getKey())) {
        continue;
      }
      any = true;
      cases.addAll(list(top, e.getKey(), datasetJson, root, e.getValue()));
    }
    if (!any) {
      throw new DatasetException(datasetJson + ": no 'training', 'validation' or 'test' list (not an AMOS-MM"
          + " dataset.json)");
    }
    if (checkImages) {
      MissingImagesException.check(datasetJson.toString(), cases);
    }
    String name = top.has("name") && top.get("name").isJsonPrimitive() ? top.get("name").getAsString() : format;
    return new Dataset(name, format, datasetJson, cases);
  }

  /**
   * The cases of one list of a {@code dataset.json} ({@code training}, {@code validation} or
   * {@code test}), in file order, with image paths relative to the file's directory and not checked;
   * the other lists are not read.
   *
   * @throws DatasetException if the file is malformed or has no such list
   */
  public static List<Case> cases(Path datasetJson, String list) {
    Split split = LISTS.get(list);
    JsonObject top = JsonFiles.object(JsonFiles.read(datasetJson), datasetJson, "top level");
    if (split == null || !top.has(list)) {
      throw new DatasetException(datasetJson + ": no '" + list + "' list (has " + top.keySet() + ")");
    }
    return list(top, list, datasetJson, datasetJson.toAbsolutePath().getParent(), split);
  }

  private static List<Case> list(JsonObject top, String key, Path file, Path root, Split split) {
    JsonArray items = JsonFiles.array(top.get(key), file, key);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      cases.add(item(items.get(i), file, root, key + "[" + i + "]", split));
    }
    return cases;
  }

  private static Case item(JsonElement el, Path file, Path root, String where, Split split) {
    JsonObject o = JsonFiles.object(el, file, where);
    String image = JsonFiles.string(o, "image", file, where, true);
    Path img = root.resolve(image.startsWith("./") ? image.substring(2) : image).normalize();
    String name = img.getFileName().toString();
    String id = name.replaceFirst("\\.nii(\\.gz)?$", "");
    Map<Region, String> findings = new EnumMap<>(Region.class);
    List<Question> qa = new ArrayList<>();
    if (o.has("labels")) {
      JsonObject labels = JsonFiles.object(o.get("labels"), file, where + ".labels");
      if (labels.has("report")) {
        JsonObject rep = JsonFiles.object(labels.get("report"), file, where + ".labels.report");
        if (rep.has("findings")) {
          JsonObject f = JsonFiles.object(rep.get("findings"), file, where + ".labels.report.findings");
          for (String key : f.keySet()) {
            Region r;
            try {
              r = Region.parse(key);
            } catch (IllegalArgumentException ex) {
              throw new DatasetException(file + ": " + where + ".labels.report.findings: " + ex.getMessage());
            }
            String t = JsonFiles.string(f, key, file, where + ".labels.report.findings", false);
            findings.put(r, t == null ? "" : t);
          }
        }
      }
      if (labels.has("qa")) {
        JsonArray qs = JsonFiles.array(labels.get("qa"), file, where + ".labels.qa");
        for (int q = 0; q < qs.size(); q++) {
          qa.add(question(qs.get(q), file, where + ".labels.qa[" + q + "]"));
        }
      }
    }
    return new Case(id, img, findings, qa, split);
  }

  static Question question(JsonElement el, Path file, String where) {
    JsonObject o = JsonFiles.object(el, file, where);
    String text = JsonFiles.string(o, "question", file, where, true);
    if (!o.has("options")) {
      throw new DatasetException(file + ": " + where + ": missing 'options'");
    }
    JsonObject opts = JsonFiles.object(o.get("options"), file, where + ".options");
    Map<String, String> options = new LinkedHashMap<>();
    for (String l : PromptTemplates.LETTERS) {
      options.put(l, JsonFiles.string(opts, l, file, where + ".options", true));
    }
    String answer = JsonFiles.string(o, "answer", file, where, true).strip();
    if (!options.containsKey(answer)) {
      throw new DatasetException(file + ": " + where + ".answer: '" + answer + "' is not one of A, B, C, D");
    }
    String type = JsonFiles.string(o, "type", file, where, false);
    return new Question(text, options, answer, type == null ? "unknown" : type);
  }
}
