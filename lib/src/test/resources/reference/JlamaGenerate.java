// Benchmark reference: greedy generation speed of Jlama (com.github.tjake:jlama-core) on a Hugging
// Face Llama directory, F32 weights and F32 working memory. Not a unit test; see docs/benchmarks.md:
//   java --enable-preview --source 25 --add-modules jdk.incubator.vector -cp CP JlamaGenerate.java DIR PROMPT N
// prints one JSON line with Jlama's own prompt / generation timings.
import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.model.functions.Generator;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;
import java.io.File;
import java.util.UUID;

public class JlamaGenerate {
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    AbstractModel model = ModelSupport.loadModel(new File(args[0]), DType.F32, DType.F32);
    double load = (System.nanoTime() - t0) / 1e9;
    int n = Integer.parseInt(args[2]);
    PromptContext prompt = PromptContext.of(args[1]);
    // Jlama's token budget counts the prompt too
    int promptLen = model.encodePrompt(prompt).length;
    model.generate(UUID.randomUUID(), prompt, 0.0f, promptLen + 4, (s, f) -> {}); // warm-up (JIT, buffers)
    Generator.Response r = model.generate(UUID.randomUUID(), prompt, 0.0f, promptLen + n, (s, f) -> {});
    System.out.printf("{\"load_seconds\":%.3f,\"prompt_tokens\":%d,\"generated_tokens\":%d,\"prompt_ms\":%d,"
            + "\"generate_ms\":%d,\"decode_tokens_per_second\":%.4f,\"finish\":\"%s\"}%n",
        load, r.promptTokens, r.generatedTokens, r.promptTimeMs, r.generateTimeMs,
        r.generatedTokens * 1000.0 / r.generateTimeMs, r.finishReason);
    System.exit(0);
  }
}
