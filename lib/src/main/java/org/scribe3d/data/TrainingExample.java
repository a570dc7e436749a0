package org.scribe3d.data;

import java.nio.file.Path;

/**
 * One (image, prompt, answer) pair for training or evaluation.
 *
 * @param region the region asked about (report generation), else null
 * @param questionType the question's type (VQA), else null
 */
public record TrainingExample(String caseId, Path image, Kind kind, Region region, String questionType,
    String prompt, String answer) {

  public enum Kind {
    /** Medical report generation: the findings of one region. */
    MRG,
    /** Closed visual question answering. */
    VQA
  }
}
