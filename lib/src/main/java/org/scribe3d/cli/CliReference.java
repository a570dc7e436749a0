package org.scribe3d.cli;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The command-line reference, {@code docs/cli.md}: every command reachable from {@link Main}'s root
 * command line, each with its usage help as picocli prints it (no ANSI styles, a fixed width), so the
 * file is the same on every machine. {@code CliReferenceTest} checks the file against this rendering
 * and rewrites it when run with {@value #UPDATE_PROPERTY}{@code =true}.
 */
public final class CliReference {

  /** Usage-help width of the rendering, independent of the terminal. */
  public static final int WIDTH = 100;

  /** System property that makes {@code CliReferenceTest} write the file instead of checking it. */
  public static final String UPDATE_PROPERTY = "scribe3d.updateCliDocs";

  /** The one command that regenerates {@code docs/cli.md}, from the repository root. */
  public static final String REGENERATE_COMMAND =
      "mvn -q -o -B -pl lib test -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -D"
          + UPDATE_PROPERTY + "=true";

  private CliReference() {}

  /** The Markdown of {@code docs/cli.md}, built from a root command line as {@link Main} builds it. */
  public static String render() {
    return render(new CommandLine(new Main()));
  }

  /** The Markdown reference of {@code root} and every command below it, depth first in declaration order. */
  public static String render(CommandLine root) {
    String savedWidth = System.getProperty("picocli.usage.width");
    System.clearProperty("picocli.usage.width"); // would override the fixed width
    try {
      root.setUsageHelpAutoWidth(false);
      root.setUsageHelpWidth(WIDTH);
      StringBuilder md = new StringBuilder();
      md.append("# Command-line reference\n\n");
      md.append("Generated from the commands' `--help`; do not edit by hand. Regenerate it from the"
          + " repository root with\n`").append(REGENERATE_COMMAND).append("`.\n");
      md.append("\nCommands:\n\n");
      List<CommandLine> commands = commands(root);
      for (CommandLine c : commands) {
        String name = c.getCommandSpec().qualifiedName();
        md.append("- [").append(name).append("](#").append(anchor(name)).append(")\n");
      }
      for (CommandLine c : commands) {
        md.append("\n## ").append(c.getCommandSpec().qualifiedName()).append("\n\n```text\n");
        md.append(stripTrailingSpaces(c.getUsageMessage(CommandLine.Help.Ansi.OFF)));
        md.append("```\n");
      }
      return md.toString();
    } finally {
      if (savedWidth != null) {
        System.setProperty("picocli.usage.width", savedWidth);
      }
    }
  }

  /** {@code root} and every command below it, each once (aliases map to the same command line). */
  static List<CommandLine> commands(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    collect(root, out, new IdentityHashMap<>());
    return out;
  }

  private static void collect(CommandLine c, List<CommandLine> out, Map<CommandLine, Boolean> seen) {
    if (seen.put(c, Boolean.TRUE) != null || c.getCommandSpec().usageMessage().hidden()) {
      return;
    }
    out.add(c);
    for (CommandLine sub : c.getSubcommands().values()) {
      collect(sub, out, seen);
    }
  }

  /** GitHub's heading anchor: lower case, spaces to hyphens, other punctuation but hyphens dropped. */
  static String anchor(String heading) {
    StringBuilder a = new StringBuilder();
    for (char ch : heading.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
      if (ch == ' ') {
        a.append('-');
      } else if (Character.isLetterOrDigit(ch) || ch == '-' || ch == '_') {
        a.append(ch);
      }
    }
    return a.toString();
  }

  private static String stripTrailingSpaces(String text) {
    StringBuilder sb = new StringBuilder();
    for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
      sb.append(line.stripTrailing()).append('\n');
    }
    // split keeps a final empty element after the last newline: one newline at the end
    String s = sb.toString();
    while (s.endsWith("\n\n")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }
}
