package org.scribe3d.prompt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;

/**
 * A diagnosis hint in words, put in front of every prompt about a scan: the finding types an image
 * classifier (the encoder's finding head) calls present, e.g. "Image findings: cardiomegaly, pleural
 * effusion." or "Image findings: none." — the diagnosis-driven prompt of PromptMRG (Jin et al., AAAI 2024),
 * not part of M3D. A small language model copies a word from its prompt far sooner than it learns to read
 * the same fact from image embeddings (docs/experiments.md: without hints, a finding head that separates
 * enlarged hearts with AUC 0.99 sat beside a writer whose reports named none after six epochs, and whose
 * sampled reports named cardiomegaly as often for normal hearts as for enlarged ones).
 *
 * <p>Types are named when their {@code type:…} label reaches the threshold. Naming the head's most likely
 * severity and image-level side for every type lifts the severity questions but costs the reports their sides
 * (pleural effusion F1 0.90 → 0.29–0.67, the side labels being seldom above 0.5 and their argmax often wrong)
 * and lowers the finding F1 from 0.53 to 0.42–0.43 (docs/experiments.md). So sides come only from the dense
 * head (below), and a type's severity is named only when the run's thresholds give its {@code severity:}
 * labels one (a run does so for types whose grade the head gets right on its training scans):
 * "cardiomegaly (moderate)".
 *
 * <p>With a dense (per-token) head, each type it predicts is named once per lesion, with the lesion's own
 * location and side: "Image findings: kidney stone (right), lung nodule (left upper lobe)." The lesions are the
 * connected groups of tokens (in the 4×8×8 grid) whose probability of the type reaches the threshold, strongest
 * first; a location or side is named when its best value at the group's peak token has probability ≥
 * {@link #THRESHOLD}.
 */
public final class FindingHint {
  private FindingHint() {}

  public static final String PREFIX = "Image findings:";
  /** A type is named when the head's probability of it is at least this. */
  public static final double THRESHOLD = 0.5;
  private static final String TYPE = "type:";
  private static final String LOCATION = "location:";
  private static final String SIDE = "side:";
  private static final String SEVERITY = "severity:";
  /** The severity words a hint can give (the finding labels' values). */
  private static final List<String> SEVERITIES = List.of("mild", "moderate", "severe");

  /**
   * What the hints read from a model: the finding head's labels, and the dense head's labels and token grid
   * (D, H, W; null without a dense head).
   */
  public record Heads(List<String> labels, List<String> dense, int[] grid) {
    public Heads {
      labels = List.copyOf(labels);
      dense = dense == null ? null : List.copyOf(dense);
      if ((dense == null) != (grid == null)) {
        throw new IllegalArgumentException("a dense head needs its token grid");
      }
    }

    int tokens() {
      return grid[0] * grid[1] * grid[2];
    }
  }

  /**
   * One scan's head outputs: {@code probs} per label (the finding head's order), {@code tokens} the dense head's
   * probabilities, token-major (tokens × dense labels), or null.
   */
  public record Scores(float[] probs, float[] tokens) {}

  /**
   * One named finding: the type's words and, for a lesion the dense head located, its location and side, and
   * the severity the head gives the type (when the run names severities, see {@link #items}).
   */
  public record Item(String type, String location, String side, String severity) {
    /** An item without a severity. */
    public Item(String type, String location, String side) {
      this(type, location, side, null);
    }

    String words() {
      List<String> where = new ArrayList<>();
      if (location != null) {
        where.add(location);
      }
      if (side != null && (location == null || !location.startsWith(side + " "))) {
        where.add(side);
      }
      if (severity != null) {
        where.add(severity);
      }
      return FindingHint.words(type) + (where.isEmpty() ? "" : " (" + String.join(", ", where) + ")");
    }

    /** The finding this item states (for scoring hints against reports). */
    public Finding finding() {
      return new Finding(FindingType.parse(type), side, null, severity, location, false);
    }
  }

  /** The hint for one scan with every type's threshold {@link #THRESHOLD}. */
  public static String of(List<String> labels, float[] probs, int offset) {
    return of(labels, probs, offset, null);
  }

  /**
   * The type-only hint for one scan.
   *
   * @param labels the head's labels, in its order
   * @param probs sigmoid probabilities, {@code labels.size()} per scan
   * @param offset where this scan's probabilities start in {@code probs}
   * @param thresholds per label, the probability at which its type is named (NaN: never), or null for
   *     {@link #THRESHOLD} everywhere; only type labels' entries are read
   */
  public static String of(List<String> labels, float[] probs, int offset, double[] thresholds) {
    float[] p = Arrays.copyOfRange(probs, offset, offset + labels.size());
    return of(new Heads(labels, null, null), new Scores(p, null), thresholds);
  }

  /** The hint for one scan (see the class comment); {@code thresholds} as in {@link #of(List, float[], int, double[])}. */
  public static String of(Heads heads, Scores scores, double[] thresholds) {
    return text(items(heads, scores, thresholds));
  }

  /** The hint's words for these items. */
  public static String text(List<Item> items) {
    return PREFIX + " " + (items.isEmpty() ? "none" : String.join(", ", items.stream().map(Item::words).toList()))
        + ".";
  }

  /**
   * The items a hint text names (the inverse of {@link #text}): "Image findings: kidney stone (upper pole, right),
   * ascites." A value in parentheses is a side when it is left, right or bilateral, a severity when it is mild, moderate or
   * severe, else a location (whose leading
   * side word, if any, is also the side, as {@link Item#words} leaves it out then).
   *
   * @throws IllegalArgumentException when the text is not a hint or names an unknown finding type
   */
  public static List<Item> parse(String hint) {
    String h = hint == null ? "" : hint.strip();
    if (!h.startsWith(PREFIX + " ") || !h.endsWith(".")) {
      throw new IllegalArgumentException("not a finding hint: \"" + hint + "\"");
    }
    String body = h.substring(PREFIX.length() + 1, h.length() - 1);
    List<Item> out = new ArrayList<>();
    if (body.equals("none")) {
      return out;
    }
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= body.length(); i++) {
      char c = i < body.length() ? body.charAt(i) : ',';
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (c == ',' && depth == 0) {
        out.add(parseItem(body.substring(start, i).strip(), hint));
        start = i + 1;
      }
    }
    return out;
  }

  private static Item parseItem(String s, String hint) {
    int open = s.indexOf(" (");
    String words = open < 0 ? s : s.substring(0, open);
    String type = words.replace(' ', '_');
    try {
      FindingType.parse(type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("finding hint \"" + hint + "\" names an unknown finding: " + words, e);
    }
    String location = null;
    String side = null;
    String severity = null;
    if (open >= 0) {
      if (!s.endsWith(")")) {
        throw new IllegalArgumentException("not a finding hint: \"" + hint + "\"");
      }
      for (String v : s.substring(open + 2, s.length() - 1).split(", ")) {
        if (List.of("left", "right", "bilateral").contains(v)) {
          side = v;
        } else if (SEVERITIES.contains(v)) {
          severity = v;
        } else {
          location = v;
        }
      }
      if (side == null && location != null) {
        for (String w : List.of("left", "right", "bilateral")) {
          if (location.startsWith(w + " ")) {
            side = w;
          }
        }
      }
    }
    return new Item(type, location, side, severity);
  }

  /** The findings one scan's hint names, in label order (a dense type's lesions strongest first). */
  public static List<Item> items(Heads heads, Scores scores, double[] thresholds) {
    List<String> labels = heads.labels();
    float[] probs = scores.probs();
    List<Item> out = new ArrayList<>();
    for (int l = 0; l < labels.size(); l++) {
      float p = probs[l];
      if (!Float.isFinite(p)) {
        throw new IllegalArgumentException("the finding head gives a non-finite probability for " + labels.get(l));
      }
      double th = thresholds == null ? THRESHOLD : thresholds[l];
      if (!labels.get(l).startsWith(TYPE) || !(p >= th)) {
        continue;
      }
      String type = labels.get(l).substring(TYPE.length());
      int col = heads.dense() == null || scores.tokens() == null ? -1 : heads.dense().indexOf(labels.get(l));
      List<Item> named = col < 0 ? List.of(new Item(type, null, null)) : lesions(heads, scores.tokens(), type, col, th);
      String severity = severity(labels, probs, thresholds, type);
      for (Item item : named) {
        out.add(new Item(item.type(), item.location(), item.side(), severity));
      }
    }
    return out;
  }

  /**
   * The severity a hint gives a type: the most probable of its {@code severity:} labels among those with a
   * threshold (a run names a type's severities only when the head gets them right on its training scans, see
   * FindingHints) at or above it; null when none is.
   */
  private static String severity(List<String> labels, float[] probs, double[] thresholds, String type) {
    if (thresholds == null) {
      return null;
    }
    String prefix = SEVERITY + type + ":";
    String best = null;
    float bestP = -1;
    for (int l = 0; l < labels.size(); l++) {
      if (labels.get(l).startsWith(prefix) && probs[l] >= thresholds[l] && probs[l] > bestP) {
        bestP = probs[l];
        best = labels.get(l).substring(prefix.length());
      }
    }
    return best;
  }

  /**
   * A dense type's lesions: the connected groups (26-neighbourhood in the token grid) of tokens at or above
   * {@code th}, strongest first, each with the location and side its peak token gives. A type without location
   * labels (an effusion, ascites) is named once per distinct side: its groups are fragments of one finding.
   */
  private static List<Item> lesions(Heads heads, float[] tokens, String type, int col, double th) {
    int nl = heads.dense().size();
    int n = heads.tokens();
    int[] g = heads.grid();
    int[] group = new int[n];
    Arrays.fill(group, -1);
    List<Integer> peaks = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      float p = tokens[t * nl + col];
      if (!Float.isFinite(p)) {
        throw new IllegalArgumentException("the dense finding head gives a non-finite probability for " + type);
      }
      if (p >= th && group[t] < 0) {
        peaks.add(flood(tokens, nl, col, th, g, group, t, peaks.size()));
      }
    }
    peaks.sort((a, b) -> Float.compare(tokens[b * nl + col], tokens[a * nl + col]));
    boolean located = heads.dense().stream().anyMatch(l -> l.startsWith(LOCATION + type + ":"));
    List<Item> out = new ArrayList<>();
    for (int t : peaks) {
      Item item = new Item(type, best(heads.dense(), tokens, t * nl, LOCATION + type + ":"),
          best(heads.dense(), tokens, t * nl, SIDE + type + ":"));
      if (located || !out.contains(item)) {
        out.add(item);
      }
    }
    return out;
  }

  /** Marks the group of tokens ≥ th connected to {@code start} as {@code id}; returns its strongest token. */
  private static int flood(float[] tokens, int nl, int col, double th, int[] g, int[] group, int start, int id) {
    java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(start));
    group[start] = id;
    int peak = start;
    while (!queue.isEmpty()) {
      int t = queue.poll();
      if (tokens[t * nl + col] > tokens[peak * nl + col]) {
        peak = t;
      }
      int d = t / (g[1] * g[2]);
      int h = t / g[2] % g[1];
      int w = t % g[2];
      for (int dd = Math.max(0, d - 1); dd <= Math.min(g[0] - 1, d + 1); dd++) {
        for (int hh = Math.max(0, h - 1); hh <= Math.min(g[1] - 1, h + 1); hh++) {
          for (int ww = Math.max(0, w - 1); ww <= Math.min(g[2] - 1, w + 1); ww++) {
            int u = (dd * g[1] + hh) * g[2] + ww;
            if (group[u] < 0 && tokens[u * nl + col] >= th) {
              group[u] = id;
              queue.add(u);
            }
          }
        }
      }
    }
    return peak;
  }

  /** The most probable value of the dense labels starting with {@code prefix} at one token, if ≥ THRESHOLD. */
  private static String best(List<String> dense, float[] tokens, int offset, String prefix) {
    String value = null;
    float bestP = (float) THRESHOLD;
    for (int c = 0; c < dense.size(); c++) {
      if (dense.get(c).startsWith(prefix) && tokens[offset + c] >= bestP) {
        bestP = tokens[offset + c];
        value = dense.get(c).substring(prefix.length());
      }
    }
    return value;
  }

  /** The prompt as the language model sees it with a hint. */
  public static String prepend(String hint, String prompt) {
    return hint + " " + prompt;
  }

  /**
   * Texts that hold every token a hint over these labels can use (for a restricted vocabulary): the hint naming no
   * type, the hint naming all of them, and for each location, side or severity value a hint that names it first and later
   * within the parentheses and closes them both before a comma and before the full stop (a byte-pair tokenizer
   * splits "(left" and ", left", ")," and ")." differently).
   */
  public static List<String> vocabularyTexts(List<String> labels) {
    List<String> all = new ArrayList<>();
    List<String> out = new ArrayList<>();
    out.add(PREFIX + " none.");
    for (String l : labels) {
      if (l.startsWith(TYPE)) {
        String type = l.substring(TYPE.length());
        all.add(words(type));
        for (String m : labels) {
          if (m.startsWith(LOCATION + type + ":") || m.startsWith(SIDE + type + ":")
              || m.startsWith(SEVERITY + type + ":")) {
            String v = m.substring(m.indexOf(':', m.indexOf(':') + 1) + 1);
            String t = words(type);
            out.add(PREFIX + " " + t + " (" + v + "), " + t + " (" + v + ", " + v + ").");
          }
        }
      }
    }
    out.add(1, PREFIX + " " + String.join(", ", all) + ".");
    return out;
  }

  private static String words(String type) {
    return type.replace('_', ' ').toLowerCase(Locale.ROOT);
  }
}
