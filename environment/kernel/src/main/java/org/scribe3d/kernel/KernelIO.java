package org.scribe3d.kernel;

import java.nio.charset.StandardCharsets;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.JupyterIO;

/**
 * The kernel's stdout/stderr/stdin streams. JJava keeps attaching them to a request's reply
 * environment protected; this kernel has its own execute handler (so errors keep the user's
 * exception class name) and needs the same attach/detach steps JJava's handler performs.
 */
final class KernelIO extends JupyterIO {
  KernelIO() {
    super(StandardCharsets.UTF_8);
  }

  void attach(ShellReplyEnvironment env, boolean stdinEnabled) {
    setEnv(env);
    setJupyterInEnabled(stdinEnabled);
  }

  void detach(ShellReplyEnvironment env) {
    retractEnv(env);
  }
}
