package org.scribe3d.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

  private static void check(String text, String... expected) {
    assertEquals(List.of(expected), SentenceSplitter.split(text), text);
  }

  @Test
  void plainSentences() {
    check("The lungs are clear. No pleural effusion.", "The lungs are clear.", "No pleural effusion.");
    check("Is there a pneumothorax? No! Fine.", "Is there a pneumothorax?", "No!", "Fine.");
    check("", new String[0]);
    check("   \n  ", new String[0]);
  }

  @Test
  void decimalsAreNotBoundaries() {
    check("A 2.3 cm nodule in the RUL. Another of 0.8 cm.", "A 2.3 cm nodule in the RUL.", "Another of 0.8 cm.");
    check("Lesion measures 1.2 x 0.9 cm.The spleen is normal.", "Lesion measures 1.2 x 0.9 cm.",
        "The spleen is normal.");
  }

  @Test
  void abbreviations() {
    check("Nodule of approx. 5 mm in the LLL. Stable vs. prior exam.",
        "Nodule of approx. 5 mm in the LLL.", "Stable vs. prior exam.");
    check("Findings discussed with Dr. Smith. Small cysts, e.g. in the liver, are benign.",
        "Findings discussed with Dr. Smith.", "Small cysts, e.g. in the liver, are benign.");
    check("Degenerative changes, i.e. osteophytes. No fracture.", "Degenerative changes, i.e. osteophytes.",
        "No fracture.");
    check("Pleural effusion: no. Pneumothorax: no.", "Pleural effusion: no.", "Pneumothorax: no.");
  }

  @Test
  void missingSpaces() {
    check("Small right pleural effusion.The liver is normal.5 mm nodule.",
        "Small right pleural effusion.", "The liver is normal.", "5 mm nodule.");
    check("No effusion.the liver is normal.", "No effusion.", "the liver is normal.");
  }

  @Test
  void numberedLists() {
    check("1. Small left pleural effusion. 2. Hepatic cyst in segment 7. 3. No ascites.",
        "Small left pleural effusion.", "Hepatic cyst in segment 7.", "No ascites.");
    check("1.Small left pleural effusion.2.Hepatic cyst.3.No ascites.",
        "Small left pleural effusion.", "Hepatic cyst.", "No ascites.");
    check("IMPRESSION: 1. Nodule in segment 7. 2. Splenomegaly.", "Nodule in segment 7.", "Splenomegaly.");
    check("FINDINGS: Lungs are clear. Technique: axial images.", "Lungs are clear.", "Technique: axial images.");
    check("Lesion in segment 7. The spleen is normal.", "Lesion in segment 7.", "The spleen is normal.");
  }

  @Test
  void newlinesAndBullets() {
    check("Lungs: clear\nPleura: no effusion\n\n- Liver normal\n- Spleen normal",
        "Lungs: clear", "Pleura: no effusion", "Liver normal", "Spleen normal");
    check("There is a small nodule in the right\nupper lobe. No effusion.",
        "There is a small nodule in the right upper lobe.", "No effusion.");
    check("Line one.\r\nLine two.", "Line one.", "Line two.");
  }
}
