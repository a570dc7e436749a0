package org.scribe3d.kernel;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.scribe3d.notebook.RichOutput;

/**
 * Entry point named in the kernelspec: {@code java -cp <kernel + library classpath>
 * org.scribe3d.kernel.KernelMain <connection_file>}.
 *
 * <p>Environment: {@code SCRIBE3D_KERNEL_CLASSPATH} adds entries to the cells' classpath;
 * {@code SCRIBE3D_PLOTLY_EMBED=once|each} embeds plotly.js in the first Plotly output of a
 * session (default) or in every one.
 */
public final class KernelMain {
  private KernelMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: KernelMain <connection_file>");
      System.exit(2);
    }
    Path conn = Path.of(args[0]);
    if (!Files.isRegularFile(conn)) {
      System.err.println("error: connection file not found: " + conn);
      System.exit(2);
    }
    // the protocol library logs each socket loop's start and stop at INFO (SLF4J) on the kernel's
    // stderr, which Jupyter copies into its log; show warnings and worse unless the user asks
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    KernelConnectionProperties props;
    try {
      props = KernelConnectionProperties.parse(Files.readString(conn, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      System.err.println("error: " + conn + " is not a Jupyter connection file: " + e.getMessage());
      System.exit(2);
      return;
    }

    List<String> cp = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
    String extra = System.getenv("SCRIBE3D_KERNEL_CLASSPATH");
    if (extra != null && !extra.isBlank()) {
      cp.addAll(List.of(extra.split(File.pathSeparator)));
    }
    String embed = System.getenv().getOrDefault("SCRIBE3D_PLOTLY_EMBED", "once").toLowerCase(Locale.ROOT);
    RichOutput.PlotlyEmbed mode = embed.equals("each") ? RichOutput.PlotlyEmbed.EACH : RichOutput.PlotlyEmbed.ONCE;

    Scribe3DKernel kernel = new Scribe3DKernel(cp, mode);
    JupyterConnection connection = new JupyterConnection(props);
    kernel.attach(connection);
    connection.connect();
    connection.waitUntilClose();
    // JShell and ZeroMQ leave non-daemon threads behind; the kernel's life ends with the connection
    System.exit(0);
  }
}
