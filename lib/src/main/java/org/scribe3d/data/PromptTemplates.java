package org.scribe3d.data;

import java.util.List;

/**
 * The prompt texts, in one place (the prompt package and the notebooks reuse them). Report prompts
 * ask per region, as the paper does; VQA prompts follow the M3D closed-question layout
 * {@code "<question> Choices: A. … B. … C. … D. …"} with the answer {@code "<letter>. <text>"}.
 */
public final class PromptTemplates {
  private PromptTemplates() {}

  /** The whole-image report prompt of the M3D lineage. */
  public static final String MRG_WHOLE = "Describe the findings of the medical image you see.";

  public static final List<String> LETTERS = List.of("A", "B", "C", "D");

  /** "Describe the findings of the chest in this CT scan." */
  public static String mrg(Region region) {
    return "Describe the findings of the " + region.key() + " in this CT scan.";
  }

  /** "<question> Choices: A. … B. … C. … D. …" */
  public static String vqa(Question q) {
    StringBuilder b = new StringBuilder(q.question().strip()).append(" Choices:");
    for (String l : LETTERS) {
      b.append(' ').append(l).append(". ").append(q.options().get(l));
    }
    return b.toString();
  }

  /** "<letter>. <text>" */
  public static String vqaAnswer(Question q) {
    return q.answerText();
  }
}
