package org.scribe3d.prompt;

import java.util.Map;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;

/**
 * Prompt texts of the paper's lineage (M3D / AMOS-MM): report generation for the whole scan or one
 * region, and closed multiple-choice VQA.
 */
public final class Templates {
  /** The whole-scan report prompt. */
  public static final String MRG = "Describe the findings of the medical image you see.";

  private Templates() {}

  /** The report prompt for one region: "Describe the findings of the chest in the medical image you see." */
  public static String mrg(Region region) {
    return "Describe the findings of the " + region.key() + " in the medical image you see.";
  }

  /** {@code <question> Choices: A. … B. … C. … D. …} (options in letter order). */
  public static String vqa(String question, Map<String, String> options) {
    if (options.isEmpty()) {
      throw new IllegalArgumentException("question has no options: " + question);
    }
    StringBuilder sb = new StringBuilder(question.strip()).append(" Choices:");
    options.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> sb.append(' ').append(e.getKey()).append(". ").append(e.getValue().strip()));
    return sb.toString();
  }

  public static String vqa(Question q) {
    return vqa(q.question(), q.options());
  }

  /** The trained answer: {@code "<letter>. <text>"}. */
  public static String vqaAnswer(Question q) {
    if (!q.options().containsKey(q.answer())) {
      throw new IllegalArgumentException("answer '" + q.answer() + "' is not one of the options "
          + q.options().keySet() + " of: " + q.question());
    }
    return q.answerText();
  }

  /**
   * The letter a generated VQA answer names: its first non-space character if that is one of the
   * option letters (A–D), else null.
   */
  public static String answerLetter(String generated, Map<String, String> options) {
    String s = generated.strip();
    if (s.isEmpty()) {
      return null;
    }
    String letter = s.substring(0, 1).toUpperCase(java.util.Locale.ROOT);
    return options.containsKey(letter) ? letter : null;
  }
}
