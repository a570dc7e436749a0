package org.scribe3d.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.scribe3d.data.Region;

/**
 * The anatomy lexicon: organs, structures, vessels, bones, devices, findings, adjectives and
 * abbreviations (RUL, hepatic, adnexal, ...) mapped to chest / abdomen / pelvis with a weight, plus
 * technique cues without a region. Read from a TSV resource (see anatomy_lexicon.tsv for the format).
 * Matching is on whole tokens, case-insensitive with plurals folded (except {@code cs} entries);
 * {@code re} entries are regular expressions (vertebral levels, liver segments). Overlaps resolve to
 * the longest match.
 */
public final class AnatomyLexicon {
  public static final String RESOURCE = "/org/scribe3d/text/anatomy_lexicon.tsv";

  /** One lexicon row. */
  public record Entry(String term, Region region, double weight, String kind, boolean caseSensitive,
      Pattern regex, List<String> tokens) {}

  private final List<Entry> entries;
  private final Map<String, List<Entry>> byFirstToken = new HashMap<>();
  private final List<Entry> regexEntries = new ArrayList<>();

  private static volatile AnatomyLexicon defaultLexicon;

  private AnatomyLexicon(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    for (Entry e : entries) {
      if (e.regex() != null) {
        regexEntries.add(e);
      } else {
        byFirstToken.computeIfAbsent(e.tokens().get(0), k -> new ArrayList<>()).add(e);
      }
    }
    byFirstToken.values().forEach(l -> l.sort(Comparator.comparingInt((Entry e) -> -e.tokens().size())));
  }

  /** The lexicon shipped with Scribe3D (loaded once). */
  public static AnatomyLexicon standard() {
    AnatomyLexicon l = defaultLexicon;
    if (l == null) {
      try (InputStream in = AnatomyLexicon.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCE);
        }
        l = parse(new InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      defaultLexicon = l;
    }
    return l;
  }

  /** Reads a lexicon TSV file (same format as the resource). */
  public static AnatomyLexicon read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.toString());
    }
  }

  static AnatomyLexicon parse(Reader reader, String name) throws IOException {
    List<Entry> out = new ArrayList<>();
    BufferedReader br = new BufferedReader(reader);
    String line;
    int no = 0;
    boolean header = false;
    while ((line = br.readLine()) != null) {
      no++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (!header) {
        header = true; // the column names
        continue;
      }
      String[] c = line.split("\t", -1);
      if (c.length < 4) {
        throw new IllegalArgumentException(name + ":" + no + ": expected 5 tab-separated columns, got " + c.length);
      }
      String term = c[0].strip();
      Region region = c[1].strip().equals("none") ? null : Region.parse(c[1]);
      double weight;
      try {
        weight = Double.parseDouble(c[2].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ":" + no + ": bad weight '" + c[2] + "'");
      }
      String flags = c.length > 4 ? c[4].strip() : "";
      Pattern re = null;
      if (flags.contains("re")) {
        try {
          re = Pattern.compile(term);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(name + ":" + no + ": bad regular expression: " + e.getDescription());
        }
      }
      boolean cs = flags.contains("cs");
      List<String> toks = new ArrayList<>();
      for (Tokens.Token t : Tokens.of(term)) {
        toks.add(cs ? t.text() : t.norm());
      }
      if (re == null && toks.isEmpty()) {
        throw new IllegalArgumentException(name + ":" + no + ": empty term");
      }
      out.add(new Entry(term, region, weight, c[3].strip(), cs, re, toks));
    }
    return new AnatomyLexicon(out);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** All lexicon terms in the sentence, non-overlapping (longest first), in text order. */
  public List<TermMatch> match(String sentence) {
    List<Tokens.Token> toks = Tokens.of(sentence);
    List<TermMatch> cands = new ArrayList<>();
    for (int i = 0; i < toks.size(); i++) {
      Tokens.Token t = toks.get(i);
      List<Entry> list = new ArrayList<>();
      List<Entry> a = byFirstToken.get(t.norm());
      if (a != null) {
        list.addAll(a);
      }
      List<Entry> b = byFirstToken.get(t.text());
      if (b != null && b != a) {
        list.addAll(b);
      }
      for (Entry e : list) {
        int n = e.tokens().size();
        if (i + n > toks.size()) {
          continue;
        }
        boolean ok = true;
        for (int k = 0; k < n && ok; k++) {
          Tokens.Token tk = toks.get(i + k);
          ok = e.caseSensitive() ? tk.text().equals(e.tokens().get(k)) : tk.norm().equals(e.tokens().get(k));
        }
        if (ok) {
          int s = t.start();
          int end = toks.get(i + n - 1).end();
          cands.add(new TermMatch(e.term(), sentence.substring(s, end), e.region(), e.weight(), e.kind(), s, end));
        }
      }
    }
    for (Entry e : regexEntries) {
      Matcher m = e.regex().matcher(sentence);
      while (m.find()) {
        if (m.end() > m.start()) {
          cands.add(new TermMatch(e.term(), m.group(), e.region(), e.weight(), e.kind(), m.start(), m.end()));
        }
      }
    }
    cands.sort(Comparator.comparingInt((TermMatch m) -> -(m.end() - m.start())).thenComparingInt(TermMatch::start));
    List<TermMatch> chosen = new ArrayList<>();
    for (TermMatch c : cands) {
      boolean overlaps = false;
      for (TermMatch k : chosen) {
        if (c.start() < k.end() && k.start() < c.end()) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        chosen.add(c);
      }
    }
    chosen.sort(Comparator.comparingInt(TermMatch::start));
    return chosen;
  }
}
