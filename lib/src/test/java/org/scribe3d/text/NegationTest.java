package org.scribe3d.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NegationTest {

  /** Is the first occurrence of {@code concept} in {@code sentence} negated? */
  private static boolean neg(String sentence, String concept) {
    int i = sentence.indexOf(concept);
    if (i < 0) {
      throw new IllegalArgumentException(concept + " not in " + sentence);
    }
    return Negation.isNegated(sentence, i, i + concept.length());
  }

  @Test
  void preNegation() {
    assertEquals(true, neg("No pleural effusion.", "effusion"));
    assertEquals(true, neg("There is no evidence of pneumothorax.", "pneumothorax"));
    assertEquals(true, neg("Without hydronephrosis or calculi.", "calculi"));
    assertEquals(true, neg("The lungs are free of nodules and consolidation.", "consolidation"));
    assertEquals(true, neg("Negative for pulmonary embolism.", "embolism"));
    assertEquals(true, neg("No focal consolidation, pleural effusion or pneumothorax.", "pneumothorax"));
    assertEquals(false, neg("Small pleural effusion.", "effusion"));
  }

  @Test
  void postNegation() {
    assertEquals(true, neg("Pleural effusion was not detected.", "effusion"));
    assertEquals(true, neg("Pericardial effusion-thickening was not observed.", "effusion"));
    assertEquals(true, neg("The previously seen nodule has resolved.", "nodule"));
    assertEquals(true, neg("Mediastinal lymph nodes are not enlarged.", "lymph nodes"));
    assertEquals(false, neg("A nodule is seen; the effusion has resolved.", "nodule"));
  }

  @Test
  void pseudoNegation() {
    assertEquals(false, neg("No change in the size of the RUL nodule.", "nodule"));
    assertEquals(false, neg("No significant interval change in the hepatic lesion.", "lesion"));
    assertEquals(false, neg("A small effusion cannot be excluded.", "effusion"));
    assertEquals(false, neg("Not only a nodule but also a mass.", "nodule"));
  }

  @Test
  void scopeTermination() {
    assertEquals(false, neg("No pleural effusion, but a small nodule in the RLL.", "nodule"));
    assertEquals(false, neg("No ascites; however, there is splenomegaly.", "splenomegaly"));
    assertEquals(false, neg("The heart is not enlarged and there is a pericardial effusion.", "pericardial"));
    assertEquals(false, neg("No effusion, small pericardial fluid.", "pericardial"));
    assertEquals(true, neg("No effusion, pneumothorax, or consolidation.", "consolidation"));
    assertEquals(false, neg("No lymphadenopathy apart from a 12 mm subcarinal node.", "subcarinal"));
    assertEquals(false, neg("Pleural effusion: none. Nodule: 5 mm.", "Nodule"));
  }

  @Test
  void windowLimit() {
    String s = "No effusion is seen in the pleural spaces on either side of the chest at this time or on the "
        + "recent radiograph with a nodule";
    assertEquals(true, neg(s, "pleural"));
    assertEquals(false, neg(s, "nodule"));
  }
}
