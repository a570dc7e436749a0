package org.scribe3d.recipe;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.scribe3d.data.ProjectHome;

/**
 * Reads, overrides, checks and writes {@link Recipe}s. Every key a file or a {@code --set} names must be one of
 * the schema's (the keys of {@link Recipe}'s defaults); an unknown key is refused with the closest valid one, a
 * value of the wrong kind or out of range with the key that holds it ({@link RecipeException}).
 */
public final class RecipeFiles {
  /** Where the shipped recipes live, relative to the Scribe3D checkout. */
  public static final String SHIPPED_DIR = "recipes";

  /** Keys whose values are file paths: resolved against the recipe file's directory, recorded absolute. */
  static final Set<String> PATH_KEYS = Set.of("model.config", "init.vision", "init.language_model", "init.projector", "prompts.hint_thresholds", "data.cache",
      "data.pipeline");
  /** Keys whose value may be an object or a path (any JSON). */
  private static final Set<String> ANY_KEYS = Set.of("data.pipeline");

  static final Gson GSON = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
      .serializeNulls().setPrettyPrinting().disableHtmlEscaping().create();

  private RecipeFiles() {}

  /** The defaults, as JSON: the schema. */
  public static JsonObject defaultsJson() {
    return GSON.toJsonTree(new Recipe()).getAsJsonObject();
  }

  /** Every valid dotted key of the schema (leaves only), in schema order. */
  public static List<String> keys() {
    List<String> out = new ArrayList<>();
    collectKeys(defaultsJson(), "", out);
    return out;
  }

  /**
   * A recipe file or the name of a shipped one ({@code demo} = recipes/demo.json of the checkout), with
   * {@code overrides} ("key=value") applied in order. Paths in the file are relative to its directory; paths in
   * overrides to the working directory.
   */
  public static Recipe load(String fileOrName, List<String> overrides) throws IOException {
    Path file = locate(fileOrName);
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new RecipeException("recipe", "no such file " + file);
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new RecipeException("recipe", file + " is not valid JSON (" + rootCause(e) + ")");
    }
    if (!root.isJsonObject()) {
      throw new RecipeException("recipe", file + " must hold a JSON object");
    }
    Path base = file.toAbsolutePath().getParent();
    JsonObject given = root.getAsJsonObject();
    resolvePaths(given, base);
    JsonObject merged = defaultsJson();
    merge(merged, given, "");
    applyOverrides(merged, overrides);
    return fromJson(merged);
  }

  /** The defaults with {@code overrides} applied: a run without a recipe file. */
  public static Recipe defaults(List<String> overrides) {
    JsonObject merged = defaultsJson();
    applyOverrides(merged, overrides);
    return fromJson(merged);
  }

  /** {@code r} with {@code overrides} applied. */
  public static Recipe withOverrides(Recipe r, List<String> overrides) {
    JsonObject j = toJson(r);
    applyOverrides(j, overrides);
    return fromJson(j);
  }

  /** A resolved recipe as recorded in a run ({@link #write}): every key present, paths absolute. */
  public static Recipe read(Path recorded) throws IOException {
    JsonElement root;
    try {
      root = JsonParser.parseString(Files.readString(recorded));
    } catch (NoSuchFileException e) {
      throw new RecipeException("recipe", "no such file " + recorded);
    } catch (JsonParseException e) {
      throw new RecipeException("recipe", recorded + " is not valid JSON (" + rootCause(e) + ")");
    }
    if (!root.isJsonObject()) {
      throw new RecipeException("recipe", recorded + " must hold a JSON object");
    }
    JsonObject merged = defaultsJson();
    merge(merged, root.getAsJsonObject(), "");
    return fromJson(merged);
  }

  public static JsonObject toJson(Recipe r) {
    return GSON.toJsonTree(r).getAsJsonObject();
  }

  public static String toJsonString(Recipe r) {
    return GSON.toJson(toJson(r)) + "\n";
  }

  /** The dotted keys whose values differ between two recipes, with both values ("optim.lr 0.001 (now 1e-4)"). */
  public static List<String> differences(Recipe was, Recipe now) {
    List<String> out = new ArrayList<>();
    diff(toJson(was), toJson(now), "", out);
    return out;
  }

  /** The JSON text and kind checks as a {@link Recipe}, then its value checks ({@link RecipeChecks}). */
  static Recipe fromJson(JsonObject merged) {
    Recipe r;
    try {
      r = GSON.fromJson(merged, Recipe.class);
    } catch (RecipeException e) {
      throw e;
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new RecipeException("recipe", rootCause(e));
    }
    RecipeChecks.check(r);
    return r;
  }

  static Path locate(String fileOrName) {
    Path p = Path.of(fileOrName);
    if (Files.exists(p) || fileOrName.contains("/") || fileOrName.endsWith(".json")) {
      return p;
    }
    return ProjectHome.file(SHIPPED_DIR + "/" + fileOrName + ".json").orElseThrow(() -> new RecipeException("recipe",
        "no file '" + fileOrName + "' and no shipped recipe of that name (" + String.join(", ", shippedNames()) + ")"));
  }

  /** The names of the recipes shipped in the checkout's recipes/ directory. */
  public static List<String> shippedNames() {
    List<String> out = new ArrayList<>();
    ProjectHome.find(SHIPPED_DIR, Files::isDirectory).ifPresent(dir -> {
      try (var s = Files.list(dir)) {
        s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
            .forEach(n -> out.add(n.substring(0, n.length() - 5)));
      } catch (IOException e) {
        // no listing: the message just names none
      }
    });
    return out;
  }

  // ---- merging and checking keys

  private static void collectKeys(JsonObject o, String prefix, List<String> out) {
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      String k = prefix + e.getKey();
      if (e.getValue().isJsonObject() && !ANY_KEYS.contains(k)) {
        collectKeys(e.getValue().getAsJsonObject(), k + ".", out);
      } else {
        out.add(k);
      }
    }
  }

  /** Writes {@code given}'s values into {@code into} (the defaults), refusing unknown keys and wrong kinds. */
  private static void merge(JsonObject into, JsonObject given, String prefix) {
    for (Map.Entry<String, JsonElement> e : given.entrySet()) {
      String key = prefix + e.getKey();
      if (!into.has(e.getKey())) {
        throw unknownKey(key);
      }
      JsonElement def = into.get(e.getKey());
      JsonElement v = e.getValue();
      if (def.isJsonObject() && !ANY_KEYS.contains(key)) {
        if (!v.isJsonObject()) {
          throw new RecipeException(key, "must be an object with keys " + def.getAsJsonObject().keySet());
        }
        merge(def.getAsJsonObject(), v.getAsJsonObject(), key + ".");
      } else {
        into.add(e.getKey(), checkKind(key, def, v));
      }
    }
  }

  private static JsonElement checkKind(String key, JsonElement def, JsonElement v) {
    if (v.isJsonNull() || ANY_KEYS.contains(key)) {
      return v;
    }
    String want = kind(def, key);
    String got = kind(v, key);
    if (want.equals("string") && !got.equals("string")) {
      throw new RecipeException(key, "must be a string, got " + v);
    }
    if (want.equals("list") && !got.equals("list")) {
      throw new RecipeException(key, "must be a list of strings, got " + v);
    }
    if ((want.equals("number") || want.equals("boolean")) && !got.equals(want)) {
      throw new RecipeException(key, "must be a " + want + ", got " + v);
    }
    return v;
  }

  /** The kind of a schema value; for a default of null, the kind of the {@link Recipe} field the key names. */
  private static String kind(JsonElement e, String key) {
    if (e.isJsonNull()) {
      Class<?> t = fieldType(key);
      return Number.class.isAssignableFrom(t) ? "number" : List.class.isAssignableFrom(t) ? "list" : "string";
    }
    if (e.isJsonArray()) {
      return "list";
    }
    if (e.isJsonObject()) {
      return "object";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isBoolean() ? "boolean" : p.isNumber() ? "number" : "string";
  }

  /** The declared type of the Recipe field a dotted key names ("optim.lr" → Double). */
  private static Class<?> fieldType(String key) {
    Class<?> c = Recipe.class;
    for (String part : key.split("\\.")) {
      java.lang.reflect.Field match = null;
      for (java.lang.reflect.Field f : c.getFields()) {
        if (GSON.fieldNamingStrategy().translateName(f).equals(part)) {
          match = f;
        }
      }
      if (match == null) {
        throw unknownKey(key);
      }
      c = match.getType();
    }
    return c;
  }

  private static void applyOverrides(JsonObject merged, List<String> overrides) {
    for (String s : overrides == null ? List.<String>of() : overrides) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new RecipeException("set", "expected key=value, got '" + s + "'");
      }
      String key = s.substring(0, eq).strip();
      String value = s.substring(eq + 1).strip();
      String[] parts = key.split("\\.");
      JsonObject o = merged;
      StringBuilder seen = new StringBuilder();
      for (int i = 0; i < parts.length - 1; i++) {
        seen.append(i == 0 ? "" : ".").append(parts[i]);
        JsonElement next = o.get(parts[i]);
        if (next == null || !next.isJsonObject() || ANY_KEYS.contains(seen.toString())) {
          throw unknownKey(key);
        }
        o = next.getAsJsonObject();
      }
      String leaf = parts[parts.length - 1];
      JsonElement def = o.get(leaf);
      if (def == null || (def.isJsonObject() && !ANY_KEYS.contains(key))) {
        throw unknownKey(key);
      }
      JsonElement v = parseValue(key, def, value);
      if (PATH_KEYS.contains(key) && v.isJsonPrimitive()) {
        v = new JsonPrimitive(Path.of(v.getAsString()).toAbsolutePath().normalize().toString());
      }
      o.add(leaf, checkKind(key, def, v));
    }
  }

  private static JsonElement parseValue(String key, JsonElement def, String value) {
    if (value.equals("null")) {
      return JsonNull.INSTANCE;
    }
    if (ANY_KEYS.contains(key)) {
      if (value.startsWith("{") || value.startsWith("[")) {
        try {
          return JsonParser.parseString(value);
        } catch (JsonParseException e) {
          throw new RecipeException(key, "not valid JSON: " + value);
        }
      }
      return new JsonPrimitive(value);
    }
    switch (kind(def, key)) {
      case "boolean":
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
          throw new RecipeException(key, "must be true or false, got '" + value + "'");
        }
        return new JsonPrimitive(Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)));
      case "number":
        try {
          double d = Double.parseDouble(value);
          return d == Math.rint(d) && !value.contains(".") && !value.toLowerCase(Locale.ROOT).contains("e")
              ? new JsonPrimitive(Long.parseLong(value)) : new JsonPrimitive(d);
        } catch (NumberFormatException e) {
          throw new RecipeException(key, "must be a number, got '" + value + "'");
        }
      case "list":
        JsonArray a = new JsonArray();
        for (String part : value.split(",")) {
          if (!part.isBlank()) {
            a.add(part.strip());
          }
        }
        return a;
      default:
        return new JsonPrimitive(value);
    }
  }

  private static void resolvePaths(JsonObject given, Path base) {
    for (String key : PATH_KEYS) {
      String[] parts = key.split("\\.");
      JsonElement sect = given.get(parts[0]);
      if (sect == null || !sect.isJsonObject()) {
        continue;
      }
      JsonElement v = sect.getAsJsonObject().get(parts[1]);
      if (v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
        sect.getAsJsonObject().addProperty(parts[1], base.resolve(v.getAsString()).normalize().toString());
      }
    }
  }

  private static void diff(JsonElement a, JsonElement b, String key, List<String> out) {
    if (a.isJsonObject() && b.isJsonObject() && !ANY_KEYS.contains(key)) {
      Set<String> ks = new TreeSet<>(a.getAsJsonObject().keySet());
      ks.addAll(b.getAsJsonObject().keySet());
      for (String k : ks) {
        JsonElement x = a.getAsJsonObject().get(k);
        JsonElement y = b.getAsJsonObject().get(k);
        diff(x == null ? JsonNull.INSTANCE : x, y == null ? JsonNull.INSTANCE : y, key.isEmpty() ? k : key + "." + k,
            out);
      }
    } else if (!sameValue(a, b)) {
      out.add(key + " " + (ANY_KEYS.contains(key) ? "differs" : a + " (now " + b + ")"));
    }
  }

  private static boolean sameValue(JsonElement a, JsonElement b) {
    if (a.isJsonPrimitive() && b.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber()
        && b.getAsJsonPrimitive().isNumber()) {
      return a.getAsDouble() == b.getAsDouble();
    }
    return a.equals(b);
  }

  static RecipeException unknownKey(String key) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : keys()) {
      int d = distance(key, k);
      String leaf = k.substring(k.lastIndexOf('.') + 1);
      int dl = distance(key.substring(key.lastIndexOf('.') + 1), leaf) + 1; // a right leaf under a wrong section
      if (Math.min(d, dl) < bestD) {
        bestD = Math.min(d, dl);
        best = k;
      }
    }
    return new RecipeException(key, "unknown recipe key" + (best == null ? "" : " (did you mean '" + best + "'?)"));
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /**
   * Checks that the files a recipe names are there (a missing one is an IllegalArgumentException naming its key, not a
   * usage error): {@code model.config} and a string {@code data.pipeline} are
   * files, {@code init.vision} a file or a run directory, {@code init.language_model} a directory with a config.json.
   */
  public static void checkPaths(Recipe r) {
    if (r.model.config != null && !Files.isRegularFile(Path.of(r.model.config))) {
      throw new IllegalArgumentException("recipe key model.config: no such file " + r.model.config);
    }
    if (r.init.vision != null && !Files.exists(Path.of(r.init.vision))) {
      throw new IllegalArgumentException("recipe key init.vision: no pretrained encoder file, run directory or M3D-CLIP directory " + r.init.vision);
    }
    if (r.prompts.hintThresholds != null && !Files.isRegularFile(Path.of(r.prompts.hintThresholds))) {
      throw new IllegalArgumentException("recipe key prompts.hint_thresholds: no finding-hints file at "
          + r.prompts.hintThresholds);
    }
    if (r.init.projector != null && !Files.isRegularFile(Path.of(r.init.projector, "model.safetensors"))) {
      throw new IllegalArgumentException("recipe key init.projector: no Scribe3D model directory (with a"
          + " model.safetensors) at " + r.init.projector);
    }
    if (r.init.languageModel != null && !Files.isRegularFile(Path.of(r.init.languageModel, "config.json"))) {
      throw new IllegalArgumentException("recipe key init.language_model: no model directory (with a config.json) at "
          + r.init.languageModel);
    }
    if (r.data.pipeline != null && r.data.pipeline.isJsonPrimitive()
        && !Files.isRegularFile(Path.of(r.data.pipeline.getAsString()))) {
      throw new IllegalArgumentException("recipe key data.pipeline: no such file " + r.data.pipeline.getAsString());
    }
  }

  /** Writes a resolved recipe. */
  public static void write(Recipe r, Path file) throws IOException {
    org.scribe3d.io.AtomicFiles.writeString(file, toJsonString(r));
  }
}
