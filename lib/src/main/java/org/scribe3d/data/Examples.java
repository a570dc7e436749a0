package org.scribe3d.data;

import java.util.ArrayList;
import java.util.List;

/** Expands cases into training examples: one MRG example per region with findings, one VQA per question. */
public final class Examples {
  private Examples() {}

  public static List<TrainingExample> expand(Case c) {
    List<TrainingExample> out = new ArrayList<>();
    for (Region r : Region.values()) {
      if (c.hasFindings(r)) {
        out.add(new TrainingExample(c.id(), c.image(), TrainingExample.Kind.MRG, r, null,
            PromptTemplates.mrg(r), c.findings().get(r)));
      }
    }
    for (Question q : c.questions()) {
      out.add(new TrainingExample(c.id(), c.image(), TrainingExample.Kind.VQA, null, q.type(),
          PromptTemplates.vqa(q), PromptTemplates.vqaAnswer(q)));
    }
    return out;
  }

  public static List<TrainingExample> expandAll(List<Case> cases) {
    List<TrainingExample> out = new ArrayList<>();
    for (Case c : cases) {
      out.addAll(expand(c));
    }
    return out;
  }
}
