package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.scribe3d.data.PromptTemplates;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;
import org.scribe3d.infer.Answer;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.model.multimodal.M3dLamed;
import org.scribe3d.recipe.Decoding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d generate}: a model's report (per region, or for a free prompt), or its answer to one question,
 * for a scan; the model is a trained run or a released M3D-LaMed directory.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generate with a model: the findings report of a CT scan (per region, or for a free prompt), or"
        + " the answer to one multiple-choice question about it. The model is a trained run (scribe3d train; decoded"
        + " as its recipe says, with its own preprocessing and training prompts; flags override the decoding) or a"
        + " released M3D-LaMed directory (its own tokenizer, M3D's prompt and data preparation; greedy, up to 256"
        + " new tokens by default)."})
public final class GenerateCommand implements Callable<Integer> {
  @Option(names = {"--model", "--run"}, required = true, paramLabel = "DIR",
      description = "A run directory written by 'scribe3d train' (or its model/), or an M3D-LaMed model directory.")
  Path run;

  @Option(names = "--image", required = true, paramLabel = "SCAN",
      description = "The CT scan: NIfTI-1/2 (preprocessed with the model's pipeline) or a .npy array of 1×D×H×W"
          + " float32 in [0, 1] at the model's input size (already preprocessed, as M3D's quick start feeds it).")
  Path image;

  @Option(names = "--prompt", paramLabel = "TEXT",
      description = "A free report prompt (default for M3D-LaMed models: \"" + M3dLamed.REPORT_PROMPT + "\"; for"
          + " runs, the region prompts they trained with).")
  String prompt;

  @Option(names = "--weights", paramLabel = "float32|float16", defaultValue = "float32",
      description = "Language-model weights in memory for a released model (default ${DEFAULT-VALUE}; float16 halves"
          + " their memory and decodes faster on a CPU).")
  String weights;

  @Option(names = "--region", paramLabel = "chest|abdomen|pelvis|all",
      description = "Region whose report to generate (default all).")
  String region;

  @Option(names = "--question", paramLabel = "TEXT", description = "A multiple-choice question (needs --choices).")
  String question;

  @Option(names = "--choices", paramLabel = "A=...;B=...;C=...;D=...",
      description = "The four options of --question, e.g. \"A=Left;B=Right;C=Both;D=Neither\".")
  String choices;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--threads", description = "Torch intra-op threads (default: all cores).")
  Integer threads;

  @Option(names = "--max-new-tokens", description = "Most new tokens of reports and answers (default: the run's"
      + " decoding.report_max_new_tokens and decoding.answer_max_new_tokens).")
  Integer maxNewTokens;

  @Mixin DecodingOptions decoding; // --answer-mode, --report-samples and the sampling settings

  @Option(names = "--blind", description = "Zero the image embeddings (blind control; runs trained with image.blind"
      + " are detected from their recipe without this).")
  boolean blind;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if ((question != null ? 1 : 0) + (region != null ? 1 : 0) + (prompt != null ? 1 : 0) > 1) {
      throw new CliExit("give one of --region, --prompt and --question", 2);
    }
    if (prompt != null && prompt.isBlank()) {
      throw new CliExit("--prompt is empty", 2);
    }
    if (question != null && choices == null) {
      throw new CliExit("--question needs --choices \"A=...;B=...;C=...;D=...\"", 2);
    }
    if (choices != null && question == null) {
      throw new CliExit("--choices needs --question", 2);
    }
    if (question != null && question.isBlank()) {
      throw new CliExit("--question is empty", 2);
    }
    if (threads != null && threads < 1) {
      throw new CliExit("--threads must be at least 1, got " + threads, 2);
    }
    if (maxNewTokens != null && maxNewTokens < 1) {
      throw new CliExit("--max-new-tokens must be at least 1, got " + maxNewTokens, 2);
    }
    Map<String, String> options = question != null ? parseChoices(choices) : null;
    if (!Files.isDirectory(run)) {
      throw new CliExit("model directory " + run + " does not exist");
    }
    if (!Files.exists(image)) {
      throw new CliExit("image " + image + " does not exist");
    }
    if (!Files.isRegularFile(image)) {
      throw new CliExit("image " + image + " is not a regular file");
    }
    Decoding d = decoding.over(DecodingOptions.recorded(run), maxNewTokens);
    RunPredictor.Options o = new RunPredictor.Options().threads(threads).blind(blind).log(System.err)
        .weights(parseWeights(weights));
    PrintWriter out = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    try (RunPredictor p = RunPredictor.openModel(run, d, o)) {
      String freePrompt = prompt != null ? prompt.strip()
          : question == null && region == null ? p.defaultReportPrompt() : null;
      Set<Region> regions = question == null && freePrompt == null ? parseRegions(region == null ? "all" : region)
          : null;
      JsonObject doc = new JsonObject();
      doc.addProperty("model", run.toAbsolutePath().normalize().toString());
      doc.addProperty("image", image.toAbsolutePath().normalize().toString());
      String hint = p.hint(image); // runs trained with --finding-hints: the head's diagnosis the prompts start with
      if (hint != null) {
        doc.addProperty("hint", hint);
        if (!json) {
          out.println("hint: " + hint);
        }
      }
      if (question != null) {
        Question q = new Question(question.strip(), options, null, null);
        Answer a = p.answer(image, q);
        doc.addProperty("question", q.question());
        JsonObject ch = new JsonObject();
        options.forEach(ch::addProperty);
        doc.add("choices", ch);
        doc.addProperty("prompt", hint == null ? RunPredictor.questionPrompt(q)
            : org.scribe3d.prompt.FindingHint.prepend(hint, RunPredictor.questionPrompt(q)));
        doc.addProperty("letter", a.letter());
        doc.addProperty("text", a.text());
        doc.addProperty("parsed", a.parsed());
        if (!json) {
          out.println("answer: " + (a.parsed() ? a.letter() : "(none: the output does not start with A, B, C or D)"));
          out.println("text: " + a.text());
        }
      } else if (freePrompt != null) {
        String report = p.report(image, freePrompt);
        doc.addProperty("prompt", freePrompt);
        doc.addProperty("report", report);
        if (!json) {
          out.println(report);
        }
      } else {
        Map<Region, String> reports = p.reports(image, regions);
        JsonObject rep = new JsonObject();
        reports.forEach((r, t) -> rep.addProperty(r.key(), t));
        doc.add("reports", rep);
        if (!json) {
          reports.forEach((r, t) -> out.println(r.key() + ": " + t));
        }
      }
      doc.addProperty("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
      if (json) {
        out.println(new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create().toJson(doc));
      }
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      throw new CliExit(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    out.flush();
    return 0;
  }

  /** "A=Left;B=Right;C=Both;D=Neither" → {A: Left, B: Right, C: Both, D: Neither}; all four letters once. */
  static Map<String, String> parseChoices(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : s.split(";", -1)) {
      if (part.isBlank()) {
        continue; // a trailing ';'
      }
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new CliExit("--choices: '" + part.strip() + "' is not LETTER=TEXT (expected \"A=...;B=...;C=...;D=...\")",
            2);
      }
      String letter = part.substring(0, eq).strip().toUpperCase(Locale.ROOT);
      String text = part.substring(eq + 1).strip();
      if (!PromptTemplates.LETTERS.contains(letter)) {
        throw new CliExit("--choices: unknown option letter '" + part.substring(0, eq).strip()
            + "' (expected A, B, C and D)", 2);
      }
      if (text.isEmpty()) {
        throw new CliExit("--choices: option " + letter + " has no text", 2);
      }
      if (m.put(letter, text) != null) {
        throw new CliExit("--choices: option " + letter + " is given twice", 2);
      }
    }
    for (String l : PromptTemplates.LETTERS) {
      if (!m.containsKey(l)) {
        throw new CliExit("--choices: option " + l + " is missing (expected \"A=...;B=...;C=...;D=...\")", 2);
      }
    }
    Map<String, String> ordered = new LinkedHashMap<>();
    PromptTemplates.LETTERS.forEach(l -> ordered.put(l, m.get(l)));
    return ordered;
  }

  public static ai.djl.ndarray.types.DataType parseWeights(String s) {
    return LmModelDir.parseWeights(s);
  }

  static Set<Region> parseRegions(String s) {
    if (s.strip().equalsIgnoreCase("all")) {
      return EnumSet.allOf(Region.class);
    }
    try {
      return EnumSet.of(Region.parse(s));
    } catch (IllegalArgumentException e) {
      throw new CliExit("--region: unknown region '" + s + "' (expected chest, abdomen, pelvis or all)", 2);
    }
  }
}
