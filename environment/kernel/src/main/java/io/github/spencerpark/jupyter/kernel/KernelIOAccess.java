package io.github.spencerpark.jupyter.kernel;

import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;

/**
 * Opens three package-private hooks of basekernel's {@link JupyterIO}. Scribe3D's kernel installs its
 * own execute_request handler (basekernel's is private and reports every error under the simple name
 * of the Java exception that carried it, not the user's exception class); that handler must attach
 * the cell's reply environment to the kernel's stdout/stderr/display streams exactly as basekernel
 * does, and these methods are the only way in. Lives in basekernel's package for that reason alone.
 */
public final class KernelIOAccess {
  private KernelIOAccess() {}

  public static void attach(JupyterIO io, ShellReplyEnvironment env, boolean stdinEnabled) {
    io.setEnv(env);
    io.setJupyterInEnabled(stdinEnabled);
  }

  public static void detach(JupyterIO io, ShellReplyEnvironment env) {
    io.retractEnv(env);
  }
}
