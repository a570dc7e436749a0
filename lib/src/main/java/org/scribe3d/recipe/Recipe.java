package org.scribe3d.recipe;

import com.google.gson.JsonElement;
import java.util.List;

/**
 * A training method as data: what the model is, where it starts from, what trains, how the image reaches the
 * language model, what the prompts say, how the data are prepared, how it is optimised and how it decodes. A
 * recipe file (JSON, {@code recipes/*.json}; schema in docs/recipes.md) names only what differs from these
 * defaults; {@link RecipeFiles} loads it, applies {@code --set key=value} overrides and checks every key, and a
 * run records the resolved recipe (every default filled in, paths absolute) as {@code RUN/recipe.json}.
 *
 * <p>Field names are the JSON keys in camel case ({@code optim.maxGradNorm} is {@code optim.max_grad_norm}).
 * The defaults are those of a plain {@code train} run: the tiny preset trained in full from random weights,
 * nothing frozen, no hints, M3D's preprocessing with augmentation, AdamW with warmup and cosine decay.
 */
public final class Recipe {
  public String name = "default";
  public String description = "";
  public Model model = new Model();
  public Init init = new Init();
  public Trainable trainable = new Trainable();
  public Image image = new Image();
  public Prompts prompts = new Prompts();
  public Data data = new Data();
  public Optim optim = new Optim();
  public Validation validation = new Validation();
  public Decoding decoding = Decoding.DEFAULT;

  /** Which model is built. */
  public static final class Model {
    /** tiny | paper | paper-reduced (ModelPresets). */
    public String preset = "tiny";
    /** A Scribe3D multimodal config.json instead of the preset (custom or test-sized models); null = none. */
    public String config;
    /** The tiny preset's vision stem: patch (M3D-CLIP's) or conv; null = the vision init file's, else patch. */
    public String visionStem;
  }

  /** Pretrained weights a new run starts from. */
  public static final class Init {
    /** An encoder file (image side: encoder, projector, finding heads) or a run with a pretraining stage. */
    public String vision;
    /** A Hugging Face Llama directory or a Scribe3D model directory (e.g. models/tiny-lm). */
    public String languageModel;
    /** A Scribe3D model directory whose projector (with its token statistics) starts this run's. */
    public String projector;
  }

  /** What trains in the main stage. */
  public static final class Trainable {
    /** full (the paper: the ViT trains with everything else) or frozen (projector and language model train). */
    public String vision = FULL;
    /** LoRA on the language model; unset fields take the preset's (the paper preset has r 16, tiny none). */
    public Lora lora = new Lora();
  }

  public static final String FULL = "full";
  public static final String FROZEN = "frozen";

  /** LoRA adapters (PEFT's names). r 0 = none: the language model trains in full. */
  public static final class Lora {
    public Integer r;
    public Double alpha;
    public Double dropout;
    /** Module-name suffixes ("q_proj") or ["all-linear"]: every linear layer but the output head. */
    public List<String> targetModules;
  }

  /** How the image side is trained and what it gives the language model. */
  public static final class Image {
    /**
     * Standardise the encoder's tokens per grid position and channel against the training scans before the
     * projector (statistics kept in the model): what lets the tiny language model read a frozen encoder.
     */
    public boolean standardizeTokens;
    /** Weight of an auxiliary finding head on the encoder's tokens, labels read from the reports (0 = none). */
    public double findingLoss;
    /** Epochs of vision pretraining (encoder + finding head alone) before the main stage (0 = none). */
    public int pretrainEpochs;
    /** Weight of a dense per-token finding head trained in pretraining on a phantom's boxes (0 = none). */
    public double boxLoss;
    /** Blind control: the image embeddings are zeros (what the language model learns without the image). */
    public boolean blind;
  }

  /** What the prompts carry besides the task's text. */
  public static final class Prompts {
    /** The frozen finding head's diagnosis in words in front of every prompt ("Image findings: ..."). */
    public boolean findingHints;
    /** The fraction of training scans hinted with their reports' findings instead of the head's diagnosis. */
    public double trueHints;
    /** A finding-hints file (another run's, or models/tiny-hints.json): what hints may name, instead of judging it here. */
    public String hintThresholds;
  }

  /** How scans become model inputs and batches. */
  public static final class Data {
    /**
     * The preprocessing + augmentation pipeline: an inline pipeline (docs: {@code preprocess --config}), a path to
     * one, or null = the vision init file's, else M3D's with its augmentation.
     */
    public JsonElement pipeline;
    /** Apply the pipeline's augmentation steps in training. */
    public boolean augment = true;
    /** Preprocessed-volume cache; null = ~/.cache/scribe3d/volumes. */
    public String cache;
    /** Pack each micro-batch into one row with every scan's prefix computed once (same loss, fewer positions). */
    public boolean packing = true;
    /** Keep a scan's examples together so a micro-batch shares one vision pass per scan. */
    public boolean grouped = true;
  }

  /** Optimisation (AdamW). */
  public static final class Optim {
    /** Peak learning rate; null = 1e-3 for the tiny preset, 1e-5 (the paper's) otherwise. */
    public Double lr;
    /** After the warmup: cosine (to 0, the paper) or constant. */
    public String schedule = "cosine";
    public double warmup = 0.1;
    public int epochs = 8;
    /** Stop the schedule after this many optimizer steps (0 = the epochs decide). */
    public long maxSteps;
    /** Examples per forward pass. */
    public int batch = 4;
    /** Micro-batches per optimizer step. */
    public int accumulation = 1;
    /** Global gradient-norm clipping (0 = off). */
    public double maxGradNorm = 1.0;
    public double weightDecay;
    /** Seed of initialisation, data order, augmentation and dropout. */
    public long seed = 42;
  }

  /** Validation during training. */
  public static final class Validation {
    /** Validation examples scored (0 = no validation). */
    public int samples = 64;
    /** Validate every N steps (0 = at the end). */
    public int every;
  }

  /** The learning rate this recipe trains at, its default resolved. */
  public double lr() {
    return optim.lr != null ? optim.lr : model.preset.equals("tiny") ? 1e-3 : 1e-5;
  }

  public boolean freezeVision() {
    return FROZEN.equals(trainable.vision);
  }
}
