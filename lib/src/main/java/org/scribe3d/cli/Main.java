package org.scribe3d.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the {@code scribe3d} command line. Every subcommand is registered here; errors
 * become one {@code error:} line on stderr and a non-zero exit (a stack trace only with --debug).
 */
@Command(
    name = "scribe3d",
    mixinStandardHelpOptions = true,
    version = "scribe3d 0.1.0",
    description = "3D CT report generation and visual question answering (ViT3D + Llama-3 on DJL).",
    subcommands = {
      CommandLine.HelpCommand.class,
      NiftiInfoCommand.class,
      PreprocessCommand.class,
      BenchCommand.class,
      RegionsCommand.class,
      LmCommand.class,
      ModelInfoCommand.class,
      MetricsCommand.class,
      SynthCommand.class,
      DatasetInfoCommand.class,
      EvaluateCommand.class,
      GenerateCommand.class,
      DemoCommand.class,
      TrainCommand.class
    })
public final class Main implements Callable<Integer> {

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Show stack traces for errors.")
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of main). */
  public static int run(String... args) {
    return run(new Main(), args);
  }

  /**
   * Runs {@code command} (a picocli command object, e.g. one outside this jar) with this CLI's handling: one
   * {@code error:} line and a non-zero exit for a failure, 2 for a usage error.
   */
  public static int run(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    // follow System.out/err as they are now, so in-process callers (tests, notebooks) can capture them
    cli.setOut(new PrintWriter(System.out, true));
    cli.setErr(new PrintWriter(System.err, true));
    cli.setExecutionExceptionHandler(Main::handleError);
    cli.setParameterExceptionHandler(Main::handleUsageError);
    return cli.execute(args);
  }

  private static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    boolean debug = parsed != null && parsed.hasMatchedOption("--debug") || hasDebugFlag(parsed);
    PrintWriter err = cl.getErr();
    err.println("error: " + ErrorMessages.describe(e));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return e instanceof CliExit ce ? ce.exitCode() : 1;
  }

  private static boolean hasDebugFlag(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("error: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
        + " --help')");
    err.flush();
    return 2;
  }
}
