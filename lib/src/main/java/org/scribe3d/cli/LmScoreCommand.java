package org.scribe3d.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.model.llama.LlamaForCausalLM;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Teacher-forced log-probability of every token of a text after the first (BOS). */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Log-probability of each token of TEXT (tokenised with BOS first) given the tokens before it.")
public final class LmScoreCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Hugging Face Llama directory (config.json, safetensors).")
  Path model;

  @Option(names = "--text", required = true, description = "Text to score.")
  String text;

  @Option(names = "--image", paramLabel = "SCAN",
      description = "Score the text after this scan (NIfTI, or a preprocessed 1×D×H×W .npy in [0, 1]): the model's image"
          + " placeholder tokens come first and the scan's image features are spliced over them as the model's format"
          + " says. Needs a multimodal directory (M3D-LaMed or a Scribe3D run).")
  Path image;

  @Option(names = "--json", description = "Print {\"token_ids\", \"logprobs\", \"mean_logprob\"} as JSON.")
  boolean json;

  @Option(names = "--weights", paramLabel = "float32|float16", defaultValue = "float32",
      description = "Weights in memory (default ${DEFAULT-VALUE}; float16 halves memory and the bytes read per token);"
          + " activations, norms and the KV cache are float32.")
  String weights;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Log-prob of ids[t+1] given ids[0..t], for t = 0 .. n-2. */
  public static float[] score(LlamaForCausalLM lm, long[] ids) {
    try (NDScope scope = new NDScope()) {
      NDArray idArr = lm.embedTokens().weight().array().getManager().create(ids, new Shape(1, ids.length));
      NDArray lp = lm.forward(lm.embed(idArr), null, null, null).logSoftmax(-1); // [1, n, V]
      NDArray next = idArr.get(new NDIndex(":, 1:")).expandDims(-1); // [1, n-1, 1]
      return lp.get(new NDIndex(":, :-1, :")).gather(next, -1).toFloatArray();
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (image != null) {
      return scoreWithImage(out);
    }
    try (LmModelDir dir = LmModelDir.open(model, LmModelDir.parseWeights(weights), err)) {
      long[] ids = dir.tokenizer.encodeAsModel(text);
      if (ids.length < 2) {
        throw new CliExit("--text has no tokens to score after the first");
      }
      float[] lps = score(dir.model, ids);
      print(out, ids, lps, id -> dir.tokenizer.decodeWithSpecial(new long[] {id}));
      return 0;
    }
  }

  private int scoreWithImage(PrintWriter out) {
    if (!java.nio.file.Files.isRegularFile(image)) {
      throw new CliExit("--image " + image + " does not exist");
    }
    RunPredictor.Options o = new RunPredictor.Options().weights(LmModelDir.parseWeights(weights)).log(System.err);
    try (RunPredictor p = RunPredictor.openModel(model, RunPredictor.defaultDecoding(model), o)) {
      RunPredictor.Scored s = p.score(image, text);
      print(out, s.ids(), s.logprobs(), p::tokenText);
      return 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void print(PrintWriter out, long[] ids, float[] lps, java.util.function.LongFunction<String> tokenText) {
    {
      double sum = 0;
      for (float v : lps) {
        sum += v;
      }
      double mean = sum / lps.length;
      if (json) {
        JsonObject o = new JsonObject();
        JsonArray idArr = new JsonArray();
        for (long id : ids) {
          idArr.add(id);
        }
        JsonArray lpArr = new JsonArray();
        for (float v : lps) {
          lpArr.add(v);
        }
        o.add("token_ids", idArr);
        o.add("logprobs", lpArr);
        o.addProperty("mean_logprob", mean);
        out.println(o);
      } else {
        out.printf("%8s  %10s  %s%n", "id", "logprob", "token");
        out.printf("%8d  %10s  %s%n", ids[0], "", tokenText.apply(ids[0]));
        for (int i = 1; i < ids.length; i++) {
          out.printf("%8d  %10.4f  %s%n", ids[i], lps[i - 1],
              tokenText.apply(ids[i]).replace("\n", "\\n"));
        }
        out.printf("mean log-prob %.4f over %d tokens (perplexity %.2f)%n", mean, lps.length, Math.exp(-mean));
      }
      out.flush();
    }
  }
}
