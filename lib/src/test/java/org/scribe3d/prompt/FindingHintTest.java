package org.scribe3d.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FindingHintTest {
  static final List<String> LABELS = List.of("count:lung_nodule:2+", "side:pleural_effusion:left", "type:cardiomegaly",
      "type:lung_nodule", "type:pleural_effusion");


  @Test
  void namesTheTypesAtOrAboveTheThresholdInTheHeadsOrder() {
    // other labels (side, count) are never named, however likely
    float[] p = {0.9f, 0.95f, 0.5f, 0.49f, 0.8f};
    assertEquals("Image findings: cardiomegaly, pleural effusion.", FindingHint.of(LABELS, p, 0));
    // per-type thresholds: NaN never names its type
    double[] th = {Double.NaN, Double.NaN, Double.NaN, 0.4, Double.NaN};
    assertEquals("Image findings: lung nodule.", FindingHint.of(LABELS, p, 0, th));
    float[] two = {0, 0, 0, 0, 0, 0.1f, 0.9f, 0.2f, 0.3f, 0.1f};
    assertEquals("Image findings: none.", FindingHint.of(LABELS, two, 0));
    assertEquals("Image findings: none.", FindingHint.of(LABELS, two, 5));
    assertEquals("Image findings: none. Describe the findings.", FindingHint.prepend("Image findings: none.",
        "Describe the findings."));
  }

  @Test
  void nonFiniteProbabilityIsAnError() {
    float[] p = {0, 0, Float.NaN, 0, 0};
    assertEquals("the finding head gives a non-finite probability for type:cardiomegaly",
        assertThrows(IllegalArgumentException.class, () -> FindingHint.of(LABELS, p, 0)).getMessage());
  }

  @Test
  void vocabularyTextsHoldEveryWordAHintCanUse() {
    assertEquals(List.of("Image findings: none.", "Image findings: cardiomegaly, lung nodule, pleural effusion.",
        "Image findings: pleural effusion (left), pleural effusion (left, left)."), FindingHint.vocabularyTexts(LABELS));
  }

  /** Every token of any hint over a label set is among the tokens of its vocabulary texts (real tokenizer). */
  @Test
  void vocabularyTextsCoverTheTokensOfEveryHint() {
    List<String> labels = List.of("location:kidney_stone:lower pole", "location:kidney_stone:upper pole",
        "location:lung_nodule:left upper lobe", "location:lung_nodule:right middle lobe", "side:kidney_stone:left",
        "side:kidney_stone:right", "side:lung_nodule:left", "side:lung_nodule:right",
        "side:pleural_effusion:bilateral", "side:pleural_effusion:left", "severity:ascites:mild",
        "severity:ascites:severe", "severity:pleural_effusion:moderate", "severity:pleural_effusion:severe",
        "type:ascites", "type:kidney_stone", "type:lung_nodule", "type:pleural_effusion");
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored()) {
      java.util.Set<Long> vocab = new java.util.HashSet<>();
      for (String t : FindingHint.vocabularyTexts(labels)) {
        for (long id : tok.encodeNoBos(t)) {
          vocab.add(id);
        }
      }
      java.util.Random r = new java.util.Random(5);
      String[][] where = {{null, null}, {"upper pole", "right"}, {"lower pole", "left"}, {null, "left"},
          {"left upper lobe", "left"}, {"right middle lobe", null}, {null, "bilateral"}};
      String[] types = {"kidney_stone", "lung_nodule", "pleural_effusion", "ascites"};
      for (int n = 0; n < 300; n++) {
        List<FindingHint.Item> items = new java.util.ArrayList<>();
        for (int k = r.nextInt(4); k >= 0; k--) {
          String[] w = where[r.nextInt(where.length)];
          String[] severity = {null, "mild", "moderate", "severe"};
          items.add(new FindingHint.Item(types[r.nextInt(types.length)], w[0], w[1], severity[r.nextInt(4)]));
        }
        String hint = FindingHint.text(items);
        for (long id : tok.encodeNoBos(hint)) {
          assertTrue(vocab.contains(id), hint + ": token " + tok.decode(new long[] {id}) + " not covered");
        }
      }
    }
  }

  static final List<String> DENSE = List.of("location:lung_nodule:left upper lobe",
      "location:lung_nodule:right lower lobe", "side:kidney_stone:right", "side:lung_nodule:left",
      "side:lung_nodule:right", "type:kidney_stone", "type:lung_nodule");
  static final List<String> HEAD = new java.util.ArrayList<>(DENSE);

  static {
    HEAD.add(0, "count:lung_nodule:2+");
    HEAD.add("type:cardiomegaly");
  }

  /** A 2×2×4 token grid; every token's dense probabilities are 0.01 unless set. */
  private static float[] tokens() {
    float[] t = new float[16 * DENSE.size()];
    java.util.Arrays.fill(t, 0.01f);
    return t;
  }

  private static void set(float[] t, int token, String label, float p) {
    t[token * DENSE.size() + DENSE.indexOf(label)] = p;
  }

  @Test
  void aDenseTypeIsNamedOncePerLesionWithItsOwnLocationAndSide() {
    float[] t = tokens();
    // nodule 1 peaks at token 0 (d0 h0 w0), its neighbour token 1 also fires: one lesion, left upper lobe
    set(t, 0, "type:lung_nodule", 0.9f);
    set(t, 0, "location:lung_nodule:left upper lobe", 0.7f);
    set(t, 0, "side:lung_nodule:left", 0.8f);
    set(t, 1, "type:lung_nodule", 0.6f);
    set(t, 1, "location:lung_nodule:right lower lobe", 0.9f);
    // nodule 2 at token 15 (d1 h1 w3), far away: right lower lobe; its side is said by the lobe
    set(t, 15, "type:lung_nodule", 0.7f);
    set(t, 15, "location:lung_nodule:right lower lobe", 0.6f);
    set(t, 15, "side:lung_nodule:right", 0.9f);
    // a stone whose side is unsure (< 0.5) and a token below the threshold
    set(t, 10, "type:kidney_stone", 0.55f);
    set(t, 10, "side:kidney_stone:right", 0.4f);
    set(t, 5, "type:kidney_stone", 0.45f);
    float[] probs = new float[HEAD.size()];
    probs[HEAD.indexOf("type:lung_nodule")] = 0.9f; // image level: the best token's
    probs[HEAD.indexOf("type:kidney_stone")] = 0.55f;
    probs[HEAD.indexOf("type:cardiomegaly")] = 0.8f; // not dense: named as a type
    probs[HEAD.indexOf("count:lung_nodule:2+")] = 0.9f;
    FindingHint.Heads heads = new FindingHint.Heads(HEAD, DENSE, new int[] {2, 2, 4});
    List<FindingHint.Item> items = FindingHint.items(heads, new FindingHint.Scores(probs, t), null);
    assertEquals(List.of(new FindingHint.Item("kidney_stone", null, null),
        new FindingHint.Item("lung_nodule", "left upper lobe", "left"),
        new FindingHint.Item("lung_nodule", "right lower lobe", "right"),
        new FindingHint.Item("cardiomegaly", null, null)), items);
    assertEquals("Image findings: kidney stone, lung nodule (left upper lobe), lung nodule (right lower lobe),"
        + " cardiomegaly.", FindingHint.text(items));
    assertEquals(items, FindingHint.parse(FindingHint.text(items)));
    assertEquals(List.of(), FindingHint.parse("Image findings: none."));
    assertEquals(List.of(new FindingHint.Item("renal_cyst", "upper pole", "right")),
        FindingHint.parse("Image findings: renal cyst (upper pole, right)."));
    for (String bad : new String[] {"Findings: ascites.", "Image findings: ascites", "Image findings: tumour."}) {
      assertThrows(IllegalArgumentException.class, () -> FindingHint.parse(bad), bad);
    }
    assertEquals(new org.scribe3d.data.Finding(org.scribe3d.data.FindingType.LUNG_NODULE, "left", null, null,
        "left upper lobe", false), items.get(1).finding());
    // the run's thresholds still decide which types may be named at all
    double[] th = new double[HEAD.size()];
    java.util.Arrays.fill(th, Double.NaN);
    th[HEAD.indexOf("type:lung_nodule")] = 0.8;
    assertEquals("Image findings: lung nodule (left upper lobe).",
        FindingHint.of(heads, new FindingHint.Scores(probs, t), th));
  }

  @Test
  void aBilateralFindingIsNamedOnce() {
    List<String> dense = List.of("side:pleural_effusion:bilateral", "type:pleural_effusion");
    float[] t = new float[16 * 2];
    for (int token : new int[] {0, 3}) { // both lungs' boxes, far apart
      t[token * 2] = 0.9f;
      t[token * 2 + 1] = 0.9f;
    }
    FindingHint.Heads heads = new FindingHint.Heads(dense, dense, new int[] {2, 2, 4});
    assertEquals("Image findings: pleural effusion (bilateral).",
        FindingHint.of(heads, new FindingHint.Scores(new float[] {0.9f, 0.9f}, t), null));
  }

  /** With severity thresholds, each item of a type carries the head's most probable severity; the text parses back. */
  @Test
  void aGradedTypeCarriesItsMostProbableSeverity() {
    List<String> labels = List.of("severity:cardiomegaly:mild", "severity:cardiomegaly:severe",
        "severity:pleural_effusion:moderate", "type:cardiomegaly", "type:pleural_effusion");
    float[] p = {0.2f, 0.7f, 0.9f, 0.8f, 0.6f};
    double[] th = {0, 0, Double.NaN, 0.5, 0.5}; // the effusion's severity is not named by this run
    List<FindingHint.Item> items = FindingHint.items(new FindingHint.Heads(labels, null, null),
        new FindingHint.Scores(p, null), th);
    assertEquals(List.of(new FindingHint.Item("cardiomegaly", null, null, "severe"),
        new FindingHint.Item("pleural_effusion", null, null)), items);
    String text = FindingHint.text(items);
    assertEquals("Image findings: cardiomegaly (severe), pleural effusion.", text);
    assertEquals(items, FindingHint.parse(text));
    List<FindingHint.Item> located = List.of(new FindingHint.Item("pleural_effusion", null, "right", "moderate"));
    assertEquals("Image findings: pleural effusion (right, moderate).", FindingHint.text(located));
    assertEquals(located, FindingHint.parse(FindingHint.text(located)));
    assertEquals("severe", FindingHint.parse(text).get(0).finding().severity());
  }
}
