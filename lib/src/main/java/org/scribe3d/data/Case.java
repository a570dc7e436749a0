package org.scribe3d.data;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One scan of any dataset, in the one sample model every loader produces.
 *
 * @param id case id (the image file name without extension)
 * @param image the NIfTI file
 * @param findings findings text per region; a region without findings maps to ""
 * @param questions multiple-choice questions (empty when the dataset has none)
 * @param split which split the case belongs to
 * @param meta extra image facts from the dataset (rescale, spacing), or {@link ImageMeta#NONE}
 */
public record Case(String id, Path image, Map<Region, String> findings, List<Question> questions, Split split,
    ImageMeta meta) {

  public Case {
    EnumMap<Region, String> m = new EnumMap<>(Region.class);
    for (Region r : Region.values()) {
      String t = findings == null ? null : findings.get(r);
      m.put(r, t == null ? "" : t.strip());
    }
    findings = Collections.unmodifiableMap(m);
    questions = questions == null ? List.of() : List.copyOf(questions);
    meta = meta == null ? ImageMeta.NONE : meta;
  }

  public Case(String id, Path image, Map<Region, String> findings, List<Question> questions, Split split) {
    this(id, image, findings, questions, split, ImageMeta.NONE);
  }

  public boolean hasFindings(Region r) {
    return !findings.get(r).isEmpty();
  }

  /** The (image, prompt, answer) training examples of this case. */
  public List<TrainingExample> examples() {
    return Examples.expand(this);
  }
}
