package org.scribe3d.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.io.JsonFiles;

/** Reads the phantom's {@code ground_truth.json}: per case id, the structured findings (and where they lie). */
public final class PhantomTruth {
  private PhantomTruth() {}

  /**
   * A finding and the voxel boxes of its painted instances: each box is {lo, hi}, inclusive voxel indices
   * [i, j, k] in the image file's storage order (none for findings without instances).
   */
  public record Located(Finding finding, List<int[][]> boxes) {}

  public static Map<String, List<Finding>> read(Path file) {
    Map<String, List<Finding>> out = new LinkedHashMap<>();
    readLocated(file).forEach((id, list) -> out.put(id, list.stream().map(Located::finding).toList()));
    return out;
  }

  /** Per case id, the findings with their instances' voxel boxes ({@code instances[].bbox_voxel}). */
  public static Map<String, List<Located>> readLocated(Path file) {
    JsonObject top = JsonFiles.object(JsonFiles.read(file), file, "top level");
    if (!top.has("cases")) {
      throw new DatasetException(file + ": missing 'cases'");
    }
    JsonArray cases = JsonFiles.array(top.get("cases"), file, "cases");
    Map<String, List<Located>> out = new LinkedHashMap<>();
    for (int i = 0; i < cases.size(); i++) {
      String where = "cases[" + i + "]";
      JsonObject c = JsonFiles.object(cases.get(i), file, where);
      String id = JsonFiles.string(c, "id", file, where, true);
      JsonArray fs = JsonFiles.array(c.get("findings"), file, where + ".findings");
      List<Located> list = new ArrayList<>();
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
        Finding finding = new Finding(type, JsonFiles.string(f, "side", file, w, false), mm,
            JsonFiles.string(f, "severity", file, w, false), JsonFiles.string(f, "location", file, w, false),
            false);
        list.add(new Located(finding, boxes(f, file, w)));
      }
      out.put(id, List.copyOf(list));
    }
    return out;
  }

  private static List<int[][]> boxes(JsonObject f, Path file, String where) {
    List<int[][]> out = new ArrayList<>();
    JsonElement inst = f.get("instances");
    if (inst == null || inst.isJsonNull()) {
      return out;
    }
    JsonArray list = JsonFiles.array(inst, file, where + ".instances");
    for (int k = 0; k < list.size(); k++) {
      String w = where + ".instances[" + k + "]";
      JsonElement bb = JsonFiles.object(list.get(k), file, w).get("bbox_voxel");
      if (bb == null || bb.isJsonNull()) {
        continue;
      }
      try {
        JsonArray corners = bb.getAsJsonArray();
        int[][] box = new int[2][3];
        for (int e = 0; e < 2; e++) {
          JsonArray xyz = corners.get(e).getAsJsonArray();
          for (int a = 0; a < 3; a++) {
            box[e][a] = xyz.get(a).getAsInt();
          }
        }
        for (int a = 0; a < 3; a++) {
          if (box[0][a] > box[1][a]) {
            throw new IllegalArgumentException("lo > hi");
          }
        }
        out.add(box);
      } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
        throw new DatasetException(file + ": " + w + ".bbox_voxel: expected [[i, j, k], [i, j, k]] with lo <= hi ("
            + e.getMessage() + ")");
      }
    }
    return out;
  }
}
