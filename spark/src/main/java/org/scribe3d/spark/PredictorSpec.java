package org.scribe3d.spark;

import ai.djl.ndarray.types.DataType;
import java.io.Serializable;
import java.nio.file.Path;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.recipe.Decoding;

/**
 * Everything an executor needs to open the model the way the driver was asked to, as plain serializable values
 * (shipped with each task; {@link Decoding} and {@link RunPredictor.Options} are not serializable). Equal specs share
 * one loaded model in an executor JVM ({@link PredictorCache}).
 *
 * @param model absolute model directory (a run or any directory {@code generate --model} reads); executors must see it
 * @param weights language-model weights in memory for a released model: float32 or float16
 * @param threads torch intra-op threads per executor JVM, or null for the engine's default (all cores)
 * @param batch prompts decoded together
 * @param casesPerChunk cases preprocessed, encoded and decoded together
 * @param cacheDir preprocessing cache, or null for one under the executor's local directory
 */
public record PredictorSpec(String model, String weights, Integer threads, int batch, int casesPerChunk,
    boolean blind, String cacheDir, String answerMode, int reportSamples, double temperature, double topP,
    long sampleSeed, int reportMaxNewTokens, int answerMaxNewTokens) implements Serializable {

  public static PredictorSpec of(Path model, DataType weights, Integer threads, int batch, int casesPerChunk,
      boolean blind, Path cacheDir, Decoding d) {
    return new PredictorSpec(model.toAbsolutePath().normalize().toString(),
        weights == DataType.FLOAT16 ? "float16" : "float32", threads, batch, casesPerChunk, blind,
        cacheDir == null ? null : cacheDir.toAbsolutePath().normalize().toString(), d.answerMode(), d.reportSamples(),
        d.temperature(), d.topP(), d.sampleSeed(), d.reportMaxNewTokens(), d.answerMaxNewTokens());
  }

  public Decoding decoding() {
    return new Decoding(answerMode, reportSamples, temperature, topP, sampleSeed, reportMaxNewTokens,
        answerMaxNewTokens);
  }

  public DataType weightType() {
    return weights.equals("float16") ? DataType.FLOAT16 : DataType.FLOAT32;
  }
}
