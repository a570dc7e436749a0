package org.scribe3d.train;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.prompt.FindingHint;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;

/**
 * The tiny preset's restricted vocabulary: every token of the training prompts and answers, the validation
 * prompts (questions and options, so they can be asked), BOS, EOS, EOT and the image placeholder, the words a
 * finding hint may use, and a pretrained language model's own tokens. Validation answers are not looked at.
 */
public final class CorpusVocabulary {
  private CorpusVocabulary() {}

  public static VocabMap of(TextTokenizer tt, List<TrainingExample> train, List<TrainingExample> val) {
    return of(tt, train, val, List.of(), new long[0]);
  }

  /** The same plus the tokens of {@code extraTexts} (hint words) and the ids {@code extraIds} (a pretrained model's). */
  public static VocabMap of(TextTokenizer tt, List<TrainingExample> train, List<TrainingExample> val,
      List<String> extraTexts, long[] extraIds) {
    VocabMap.Builder b = new VocabMap.Builder();
    b.add(extraIds);
    for (String t : extraTexts) {
      b.add(tt.encodeNoBos(t));
      b.add(tt.encodeNoBos(" " + t));
    }
    b.add(ModelPresets.BOS, ModelPresets.EOS, ModelPresets.EOT, MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID);
    for (TrainingExample e : train) {
      b.add(tt.encodeNoBos(e.prompt()));
      b.add(tt.encodeNoBos(" " + e.answer().strip()));
    }
    for (TrainingExample e : val) {
      b.add(tt.encodeNoBos(e.prompt()));
    }
    return b.build();
  }

  /**
   * Texts whose tokens a restricted vocabulary needs for finding hints: every hint word over the head's
   * labels, and each prompt after a hint (its first word then follows a space: " Describe").
   */
  public static List<String> hintTexts(List<String> headLabels, List<TrainingExample> train,
      List<TrainingExample> val) {
    List<String> out = new ArrayList<>(FindingHint.vocabularyTexts(headLabels));
    Stream.concat(train.stream(), val.stream()).map(TrainingExample::prompt).distinct()
        .forEach(p -> out.add(FindingHint.prepend(FindingHint.PREFIX + " none.", p)));
    return out;
  }
}
