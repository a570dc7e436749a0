package org.scribe3d.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.scribe3d.data.PromptTemplates;
import org.scribe3d.data.Question;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.VocabMap;

/**
 * Answers to multiple-choice questions, chosen one of two ways ({@link org.scribe3d.recipe.Decoding#answerMode}).
 * Option scoring ({@code options}) scores each option's answer string ("B. Large", the training target, with its
 * EOS) by the model's log-likelihood after the question and takes the highest (rank classification, as
 * lm-evaluation-harness scores multiple choice): the answer is always one of the options, its letter and text
 * agree, and it is the option the model finds most probable as a whole. Free decoding ({@code greedy}) lets the
 * model write at most {@code answerMaxNewTokens}; the first letter is the answer, and a small model's letter and
 * text may disagree (the tiny preset, 6 epochs from scratch: letter and text named the same option on 58% of the
 * questions).
 */
final class AnswerChooser {
  private final LoadedModel run;
  private final PromptDecoder decoder;
  private final int batch;
  private final boolean scoreOptions;
  private final int maxNewTokens;

  /**
   * @param scoreOptions true: option scoring; false: free greedy decoding of at most {@code maxNewTokens}
   * @param batch candidates scored together
   */
  AnswerChooser(LoadedModel run, PromptDecoder decoder, int batch, boolean scoreOptions, int maxNewTokens) {
    this.run = run;
    this.decoder = decoder;
    this.batch = batch;
    this.scoreOptions = scoreOptions;
    this.maxNewTokens = maxNewTokens;
  }

  /** The answer text to question i (prompt ids {@code promptIds.get(i)}) about image emb[imageOf[i]]. */
  List<String> answers(NDArray[] emb, int[] imageOf, List<Question> questions, List<long[]> promptIds, NDManager m) {
    return scoreOptions ? chooseOptions(emb, imageOf, questions, promptIds, m)
        : decoder.decode(emb, imageOf, promptIds, maxNewTokens, m, null, null);
  }

  /**
   * Option scoring: for question i, the option whose answer string ({@link PromptBuilder#answer}) has the highest
   * log-likelihood; returned as that answer string. An option with tokens outside a restricted vocabulary cannot
   * be produced by the model and is never chosen.
   */
  private List<String> chooseOptions(NDArray[] emb, int[] imageOf, List<Question> questions, List<long[]> promptIds,
      NDManager m) {
    MultimodalModel model = run.model();
    VocabMap vocab = model.config().vocab();
    int letters = PromptTemplates.LETTERS.size();
    double[] score = new double[questions.size() * letters];
    Arrays.fill(score, Double.NEGATIVE_INFINITY);
    List<long[]> cand = new ArrayList<>();
    List<Integer> candSlot = new ArrayList<>();
    List<Integer> candHead = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      long[] head = promptIds.get(i);
      for (int l = 0; l < letters; l++) {
        long[] answer = run.prompts().answer(questions.get(i).answerTextFor(PromptTemplates.LETTERS.get(l)));
        if (head.length + answer.length > model.config().maxLength()
            || (vocab != null && !Arrays.stream(answer).allMatch(vocab::contains))) {
          continue; // the model could not write this answer whole
        }
        long[] ids = Arrays.copyOf(head, head.length + answer.length);
        System.arraycopy(vocab == null ? answer : vocab.toCompact(answer), 0, ids, head.length, answer.length);
        cand.add(ids);
        candSlot.add(i * letters + l);
        candHead.add(head.length);
      }
    }
    NDArray[] scanOf = new NDArray[cand.size()];
    for (int c = 0; c < cand.size(); c++) {
      scanOf[c] = emb[imageOf[candSlot.get(c) / letters]];
    }
    double[] ll = logLikelihoods(cand, candHead, scanOf, m);
    for (int c = 0; c < cand.size(); c++) {
      score[candSlot.get(c)] = ll[c];
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      int best = -1;
      for (int l = 0; l < letters; l++) {
        if (score[i * letters + l] > Double.NEGATIVE_INFINITY
            && (best < 0 || score[i * letters + l] > score[i * letters + best])) {
          best = l;
        }
      }
      if (best < 0) {
        throw new IllegalArgumentException("no option of question '" + questions.get(i).question()
            + "' can be written with this run's vocabulary (it holds only the tokens of its training corpus)");
      }
      out.add(questions.get(i).answerTextFor(PromptTemplates.LETTERS.get(best)));
    }
    return out;
  }

  /**
   * Summed log-likelihood of each candidate's tokens from index {@code candHead[c]} on, with image
   * embeddings {@code images[c]} spliced after BOS. Candidates run right-padded as in training (positions
   * from 0), {@code batch} at a time; the head is applied to the scored positions only.
   */
  private double[] logLikelihoods(List<long[]> cand, List<Integer> candHead, NDArray[] images, NDManager m) {
    MultimodalModel model = run.model();
    double[] out = new double[cand.size()];
    long pad = model.greedy(1).padId();
    for (int from = 0; from < cand.size(); from += batch) {
      int b = Math.min(batch, cand.size() - from);
      int t = 0;
      for (int i = 0; i < b; i++) {
        t = Math.max(t, cand.get(from + i).length);
      }
      long[] flat = new long[b * t];
      float[] mask = new float[b * t];
      Arrays.fill(flat, pad);
      int[] imageStart = new int[b];
      for (int i = 0; i < b; i++) {
        long[] ids = cand.get(from + i);
        System.arraycopy(ids, 0, flat, i * t, ids.length);
        Arrays.fill(mask, i * t, i * t + ids.length, 1f);
        imageStart[i] = 1;
      }
      try (NDManager cm = m.newSubManager()) {
        NDArray hidden = model.llm().hidden(run.embedWithImages(flat, b, t, Arrays.copyOfRange(images, from, from + b),
            imageStart, cm), cm.create(mask, new Shape(b, t)), null, null);
        for (int i = 0; i < b; i++) {
          long[] ids = cand.get(from + i);
          int head = candHead.get(from + i);
          // hidden state j predicts token j + 1: the scored tokens head … end-1 come from states head-1 … end-2
          NDArray logp = model.llm().logits(hidden.get(new NDIndex("{}, {}:{}, :", i, head - 1, ids.length - 1)))
              .toType(DataType.FLOAT32, false).logSoftmax(-1);
          float[] lp = logp.toFloatArray();
          int v = (int) logp.getShape().get(1);
          double sum = 0;
          for (int j = head; j < ids.length; j++) {
            sum += lp[(j - head) * v + (int) ids[j]];
          }
          out[from + i] = sum;
        }
      }
    }
    return out;
  }
}
