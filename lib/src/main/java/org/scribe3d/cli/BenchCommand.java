package org.scribe3d.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code scribe3d bench ...}: benchmarks (run by hand; figures go to docs/benchmarks.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks, run by hand (not tests); see docs/benchmarks.md.",
    subcommands = {BenchPreprocessCommand.class, BenchTrainCommand.class, BenchMatvecCommand.class,
        BenchDecodeCommand.class})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
