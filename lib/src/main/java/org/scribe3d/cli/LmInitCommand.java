package org.scribe3d.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.checkpoint.TensorDType;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.model.llama.LlamaCheckpoint;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.ReleasedLayouts;
import org.scribe3d.prompt.Llama3Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a randomly initialised Hugging Face Llama directory (for tests, benchmarks and tiny runs). */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Write a Llama with random weights as a Hugging Face directory (config.json, safetensors,"
        + " the vendored Llama-3 tokenizer files).")
public final class LmInitCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--preset", defaultValue = "tiny",
      description = "tiny | llama-3.2-1b | llama-3-8b | phi-3-mini (default ${DEFAULT-VALUE}); the options below"
          + " override it. phi-3-mini: Phi-3-mini's (and M3D-LaMed-Phi-3-4B's) language-model dimensions, written in"
          + " Llama's tensor layout.")
  String preset;

  @Option(names = "--hidden") Integer hidden;
  @Option(names = "--intermediate") Integer intermediate;
  @Option(names = "--layers") Integer layers;
  @Option(names = "--heads") Integer heads;
  @Option(names = "--kv-heads") Integer kvHeads;
  @Option(names = "--vocab") Integer vocab;

  @Option(names = "--tied", negatable = true, description = "Tie lm_head to the embedding.")
  Boolean tied;

  @Option(names = "--rope-scaling", description = "none | llama3 (factor 8, low 1, high 4, original 8192).")
  String ropeScaling;

  @Option(names = "--std", defaultValue = "0.02", description = "Std of the normal weight init (default ${DEFAULT-VALUE}).")
  double std;

  @Option(names = "--seed", defaultValue = "0") long seed;

  @Option(names = "--store", defaultValue = "f32", description = "Stored dtype: f32, f16 or bf16 (default ${DEFAULT-VALUE}).")
  String store;

  @Option(names = "--shard-mb", defaultValue = "5000", description = "Shard size in MB (default ${DEFAULT-VALUE}).")
  long shardMb;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static LlamaConfig preset(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "tiny" -> LlamaConfig.of(64, 128, 2, 4, 2, 128256, false);
      case "llama-3.2-1b" -> LlamaConfig.of(2048, 8192, 16, 32, 8, 128256, true)
          .withRopeScaling(LlamaConfig.RopeScaling.llama3(32, 1, 4, 8192));
      case "llama-3-8b" -> LlamaConfig.of(4096, 14336, 32, 32, 8, 128256, false);
      case "phi-3-mini" -> LlamaConfig.of(3072, 8192, 32, 32, 32, 32064, false);
      default -> throw new CliExit("unknown --preset " + name + " (tiny, llama-3.2-1b, llama-3-8b, phi-3-mini)", 2);
    };
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    LlamaConfig p = preset(preset);
    LlamaConfig.RopeScaling rs = p.ropeScaling();
    if (ropeScaling != null) {
      rs = switch (ropeScaling.toLowerCase(Locale.ROOT)) {
        case "none" -> null;
        case "llama3" -> LlamaConfig.RopeScaling.llama3(8, 1, 4, 8192);
        default -> throw new CliExit("unknown --rope-scaling " + ropeScaling + " (none, llama3)", 2);
      };
    }
    int h = hidden != null ? hidden : p.hiddenSize();
    int nh = heads != null ? heads : p.numAttentionHeads();
    LlamaConfig c;
    try {
      c = LlamaConfig.of(h, intermediate != null ? intermediate : p.intermediateSize(),
              layers != null ? layers : p.numHiddenLayers(), nh, kvHeads != null ? kvHeads : p.numKeyValueHeads(),
              vocab != null ? vocab : p.vocabSize(), tied != null ? tied : p.tieWordEmbeddings())
          .withRopeScaling(rs).withInitializerRange(std);
    } catch (IllegalArgumentException e) {
      throw new CliExit(e.getMessage(), 2);
    }
    TensorDType st = switch (store.toLowerCase(Locale.ROOT)) {
      case "f32" -> TensorDType.F32;
      case "f16" -> TensorDType.F16;
      case "bf16" -> TensorDType.BF16;
      default -> throw new CliExit("unknown --store " + store + " (f32, f16, bf16)", 2);
    };
    Files.createDirectories(out);
    long t0 = System.nanoTime();
    err.printf("writing %,d parameters to %s ...%n", MultimodalConfig.llmParameterCount(c), out);
    err.flush();
    LlamaCheckpoint.writeRandom(out, c, st, seed, shardMb * 1_000_000L);
    try {
      if (preset.equalsIgnoreCase("phi-3-mini")) { // Phi-3's 32k SentencePiece vocabulary, not Llama-3's
        ReleasedLayouts.writeTokenizer(out, ReleasedLayouts.Flavour.PHI3);
      } else {
        Path v = Llama3Tokenizer.vendoredDir();
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
          AtomicFiles.copy(v.resolve(f), out.resolve(f));
        }
      }
    } catch (IllegalStateException e) {
      err.println("note: no tokenizer files copied: " + e.getMessage());
    }
    err.printf("done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    err.flush();
    return 0;
  }
}
