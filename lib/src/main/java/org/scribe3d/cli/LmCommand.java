package org.scribe3d.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code scribe3d lm ...}: the Llama language model on its own (any Hugging Face Llama directory). */
@Command(name = "lm", mixinStandardHelpOptions = true,
    description = "Llama language model: score text, generate, write random checkpoints.",
    subcommands = {LmScoreCommand.class, LmGenerateCommand.class, LmInitCommand.class})
public final class LmCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
