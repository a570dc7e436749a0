package org.scribe3d.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the phantom's {@code ground_truth.json}: per case id, the structured findings. */
public final class PhantomTruth {
  private PhantomTruth() {}

  public static Map<String, List<Finding>> read(Path file) {
    JsonObject top = JsonFiles.object(JsonFiles.read(file), file, "top level");
    if (!top.has("cases")) {
      throw new DatasetException(file + ": missing 'cases'");
    }
    JsonArray cases = JsonFiles.array(top.get("cases"), file, "cases");
    Map<String, List<Finding>> out = new LinkedHashMap<>();
    for (int i = 0; i < cases.size(); i++) {
      String where = "cases[" + i + "]";
      JsonObject c = JsonFiles.object(cases.get(i), file, where);
      String id = JsonFiles.string(c, "id", file, where, true);
      JsonArray fs = JsonFiles.array(c.get("findings"), file, where + ".findings");
      List<Finding> list = new ArrayList<>();
      for (int j = 0; j < fs.size(); j++) {
        String w = where + ".findings[" + j + "]";
        JsonObject f = JsonFiles.object(fs.get(j), file, w);
        FindingType type;
        try {
          type = FindingType.parse(JsonFiles.string(f, "type", file, w, true));
        } catch (IllegalArgumentException e) {
          throw new DatasetException(file + ": " + w + ": " + e.getMessage());
        }
        JsonElement size = f.get("size_mm");
        Double mm = size == null || size.isJsonNull() ? null : size.getAsDouble();
        list.add(new Finding(type, JsonFiles.string(f, "side", file, w, false), mm,
            JsonFiles.string(f, "severity", file, w, false), JsonFiles.string(f, "location", file, w, false),
            false));
      }
      out.put(id, List.copyOf(list));
    }
    return out;
  }
}
