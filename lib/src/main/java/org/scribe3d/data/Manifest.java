package org.scribe3d.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scribe3d.io.JsonFiles;

/**
 * A dataset manifest from {@code data-manifests/}: which loader (format), where the data lives
 * ({@code root}: relative to the manifest, absolute, or with {@code ${VAR}} / {@code ${VAR:-default}}
 * from the environment) and the layout inside it. Descriptive fields (splits, source, licence,
 * checksums) are kept as JSON for {@code dataset-info}.
 */
public record Manifest(Path file, String name, String format, String rootSpec, JsonObject layout, JsonObject json) {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  public static boolean looksLikeManifest(JsonObject o) {
    return o.has("format") && !o.has("training") && !o.has("validation");
  }

  public static Manifest read(Path file) {
    JsonObject o = JsonFiles.object(JsonFiles.read(file), file, "top level");
    return of(file, o);
  }

  static Manifest of(Path file, JsonObject o) {
    String name = JsonFiles.string(o, "name", file, "manifest", true);
    String format = JsonFiles.string(o, "format", file, "manifest", true);
    if (!List.of("amos-mm", "ct-rate", "phantom").contains(format)) {
      throw new DatasetException(file + ": manifest.format: '" + format + "' is not amos-mm, ct-rate or phantom");
    }
    String root = JsonFiles.string(o, "root", file, "manifest", true);
    JsonObject layout = o.has("layout") ? JsonFiles.object(o.get("layout"), file, "manifest.layout") : new JsonObject();
    return new Manifest(file, name, format, root, layout, o);
  }

  /** The data root with environment variables expanded, resolved against the manifest's directory. */
  public Path root(Map<String, String> env) {
    Matcher m = VAR.matcher(rootSpec);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null || v.isEmpty()) {
        v = m.group(3);
      }
      if (v == null) {
        throw new DatasetException(file + ": root '" + rootSpec + "' uses ${" + m.group(1) + "}, which is not set"
            + " (set it, or pass --root DIR)");
      }
      m.appendReplacement(b, Matcher.quoteReplacement(v));
    }
    m.appendTail(b);
    Path p = Path.of(b.toString());
    return p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p).normalize();
  }

  public String layoutString(String key, String dflt) {
    JsonElement e = layout.get(key);
    return e == null || e.isJsonNull() ? dflt : e.getAsString();
  }

  public List<String> layoutList(String key) {
    JsonElement e = layout.get(key);
    List<String> out = new ArrayList<>();
    if (e == null || e.isJsonNull()) {
      return out;
    }
    if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      for (JsonElement x : a) {
        out.add(x.getAsString());
      }
    } else {
      out.add(e.getAsString());
    }
    return out;
  }
}
