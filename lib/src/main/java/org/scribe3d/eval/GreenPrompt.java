package org.scribe3d.eval;

import java.util.List;

/** The GREEN judge input, byte for byte as Stanford-AIMI/GREEN builds it (green_score/utils.py). */
public final class GreenPrompt {
  private GreenPrompt() {}

  /** GREEN truncates each report to its first 300 whitespace-separated words. */
  static final int MAX_WORDS = 300;

  /** GREEN's make_prompt(reference, candidate). */
  public static String make(String reference, String candidate) {
    String text1 = firstWords(reference);
    String text2 = firstWords(candidate);
    return "Objective: Evaluate the accuracy of a candidate radiology report in comparison to a reference radiology"
        + " report composed by expert radiologists.\n\n    Process Overview: You will be presented with:\n\n"
        + "    1. The criteria for making a judgment.\n    2. The reference radiology report.\n"
        + "    3. The candidate radiology report.\n    4. The desired format for your assessment.\n\n"
        + "    1. Criteria for Judgment:\n\n    For each candidate report, determine:\n\n"
        + "    The count of clinically significant errors.\n    The count of clinically insignificant errors.\n\n"
        + "    Errors can fall into one of these categories:\n\n"
        + "    a) False report of a finding in the candidate.\n"
        + "    b) Missing a finding present in the reference.\n"
        + "    c) Misidentification of a finding's anatomic location/position.\n"
        + "    d) Misassessment of the severity of a finding.\n"
        + "    e) Mentioning a comparison that isn't in the reference.\n"
        + "    f) Omitting a comparison detailing a change from a prior study.\n"
        + "    Note: Concentrate on the clinical findings rather than the report's writing style. Evaluate only the"
        + " findings that appear in both reports.\n\n"
        + "    2. Reference Report:\n    " + text1 + "\n\n"
        + "    3. Candidate Report:\n    " + text2 + "\n\n"
        + "    4. Reporting Your Assessment:\n\n"
        + "    Follow this specific format for your output, even if no errors are found:\n"
        + "    ```\n    [Explanation]:\n    <Explanation>\n\n    [Clinically Significant Errors]:\n"
        + "    (a) <Error Type>: <The number of errors>. <Error 1>; <Error 2>; ...; <Error n>\n    ....\n"
        + "    (f) <Error Type>: <The number of errors>. <Error 1>; <Error 2>; ...; <Error n>\n\n"
        + "    [Clinically Insignificant Errors]:\n"
        + "    (a) <Error Type>: <The number of errors>. <Error 1>; <Error 2>; ...; <Error n>\n    ....\n"
        + "    (f) <Error Type>: <The number of errors>. <Error 1>; <Error 2>; ...; <Error n>\n\n"
        + "    [Matched Findings]:\n    <The number of matched findings>. <Finding 1>; <Finding 2>; ...; <Finding n>\n"
        + "    ```\n";
  }

  /**
   * GREEN's chat template applied to [{human: prompt}, {gpt: ""}] with add_generation_prompt (as
   * rendered by transformers' Jinja environment with trim_blocks and lstrip_blocks), EOS = "&lt;/s&gt;".
   */
  public static String chat(String prompt) {
    return "<|user|>\n" + prompt + "</s>\n<|assistant|>\n</s>\n<|assistant|>\n";
  }

  private static String firstWords(String text) {
    List<String> words = PyStrings.split(text);
    return String.join(" ", words.subList(0, Math.min(MAX_WORDS, words.size())));
  }
}
