package org.scribe3d.data;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.scribe3d.io.JsonFiles;

/**
 * Opens any dataset Scribe3D knows from one path: a manifest (data-manifests/*.json), an AMOS-MM
 * {@code dataset.json}, or a directory holding one (a phantom when ground_truth.json sits next to it).
 */
public final class DatasetLoader {
  private DatasetLoader() {}

  /**
   * @param rootOverride replaces a manifest's root, or null
   * @param splitter CT-RATE region splitter (null = whole findings text as chest)
   */
  public record Options(boolean checkImages, Path rootOverride, RegionSplitter splitter) {
    public static Options defaults() {
      return new Options(true, null, null);
    }
  }

  public static Dataset load(Path path, Options opt) {
    return load(path, opt, System.getenv());
  }

  static Dataset load(Path path, Options opt, Map<String, String> env) {
    if (Files.isDirectory(path)) {
      Path ds = path.resolve("dataset.json");
      if (!Files.isRegularFile(ds)) {
        throw new DatasetException(path + ": directory has no dataset.json");
      }
      return openDatasetJson(ds, opt);
    }
    if (!Files.isRegularFile(path)) {
      throw new DatasetException("no such file: " + path);
    }
    JsonObject top = JsonFiles.object(JsonFiles.read(path), path, "top level");
    if (Manifest.looksLikeManifest(top)) {
      return fromManifest(Manifest.of(path, top), opt, env);
    }
    return openDatasetJson(path, opt);
  }

  private static Dataset openDatasetJson(Path ds, Options opt) {
    Path dir = ds.toAbsolutePath().getParent();
    if (Files.isRegularFile(dir.resolve("ground_truth.json"))) {
      return Phantom.load(dir, opt.checkImages()).dataset();
    }
    return AmosMm.load(ds, opt.checkImages());
  }

  public static Dataset fromManifest(Manifest m, Options opt, Map<String, String> env) {
    Path root = opt.rootOverride() != null ? opt.rootOverride() : m.root(env);
    if (!Files.isDirectory(root)) {
      throw new DatasetException(m.file() + ": data root " + root + " does not exist ("
          + sourceHint(m) + "; or pass --root DIR)");
    }
    return switch (m.format()) {
      case "amos-mm" -> AmosMm.load(root.resolve(m.layoutString("dataset_json", "dataset.json")), root,
          opt.checkImages(), "amos-mm");
      case "phantom" -> Phantom.load(root, opt.checkImages()).dataset();
      case "ct-rate" -> {
        List<Path> reports = new ArrayList<>();
        for (String r : m.layoutList("reports")) {
          reports.add(root.resolve(r));
        }
        if (reports.isEmpty()) {
          throw new DatasetException(m.file() + ": layout.reports lists no reports CSV");
        }
        List<Path> meta = new ArrayList<>();
        for (String r : m.layoutList("metadata")) {
          Path p = root.resolve(r);
          if (Files.isRegularFile(p)) {
            meta.add(p);
          }
        }
        RegionSplitter s = opt.splitter() == null ? RegionSplitter.WHOLE_AS_CHEST : opt.splitter();
        yield CtRate.load(reports, meta, root, s, opt.checkImages());
      }
      default -> throw new DatasetException(m.file() + ": unknown format " + m.format());
    };
  }

  private static String sourceHint(Manifest m) {
    JsonObject j = m.json();
    if (j.has("source") && j.get("source").isJsonObject() && j.getAsJsonObject("source").has("how")) {
      return j.getAsJsonObject("source").get("how").getAsString();
    }
    return "see the manifest's source";
  }
}
