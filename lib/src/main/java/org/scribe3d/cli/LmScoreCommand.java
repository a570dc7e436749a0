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

  @Option(names = "--json", description = "Print {\"token_ids\", \"logprobs\", \"mean_logprob\"} as JSON.")
  boolean json;

  @Option(names = "--dtype", defaultValue = "float32", description = "Compute dtype: float32 (default) or float16.")
  String dtype;

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
    try (LmModelDir dir = LmModelDir.open(model, LmModelDir.parseDtype(dtype), err)) {
      long[] ids = dir.tokenizer.encode(text);
      if (ids.length < 2) {
        throw new CliExit("--text has no tokens to score after BOS");
      }
      float[] lps = score(dir.model, ids);
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
        out.printf("%8d  %10s  %s%n", ids[0], "", dir.tokenizer.decodeWithSpecial(new long[] {ids[0]}));
        for (int i = 1; i < ids.length; i++) {
          out.printf("%8d  %10.4f  %s%n", ids[i], lps[i - 1],
              dir.tokenizer.decodeWithSpecial(new long[] {ids[i]}).replace("\n", "\\n"));
        }
        out.printf("mean log-prob %.4f over %d tokens (perplexity %.2f)%n", mean, lps.length, Math.exp(-mean));
      }
      out.flush();
      return 0;
    }
  }
}
