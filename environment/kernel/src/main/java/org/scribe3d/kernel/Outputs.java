package org.scribe3d.kernel;

import java.util.UUID;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;

/**
 * Publishes display_data and update_display_data for the cell that is executing, from any thread.
 *
 * <p>JJava's own DisplayStream goes through the request's reply environment, whose "defer the next
 * message" flag is shared state of the shell thread: a training thread publishing while the shell
 * thread defers its reply could swap the two. Here each message is built against the running
 * request's context and sent straight on the IOPub socket, whose send is synchronized.
 */
final class Outputs {
  private volatile ShellReplyEnvironment current;
  /** The last request's environment; updates after its cell ended still reach the output by id. */
  private volatile ShellReplyEnvironment last;
  private final KernelIO io;

  Outputs(KernelIO io) {
    this.io = io;
  }

  void begin(ShellReplyEnvironment env) {
    current = env;
    last = env;
  }

  void end(ShellReplyEnvironment env) {
    if (current == env) {
      current = null;
    }
  }

  /** Shows {@code data} in the running cell; returns its display id (made up when it has none). */
  String show(DisplayData data) {
    String id = data.getDisplayId();
    if (id == null) {
      id = UUID.randomUUID().toString();
      data.setDisplayId(id);
    }
    ShellReplyEnvironment env = current;
    if (env != null) {
      // text printed before the display call appears before it
      io.out.flush();
      io.err.flush();
      send(env, new Message<>(context(env), PublishDisplayData.MESSAGE_TYPE, new PublishDisplayData(data)));
    }
    return id;
  }

  void update(String id, DisplayData data) {
    data.setDisplayId(id);
    ShellReplyEnvironment env = current != null ? current : last;
    if (env != null) {
      send(env, new Message<>(context(env), PublishUpdateDisplayData.MESSAGE_TYPE, new PublishUpdateDisplayData(data)));
    }
  }

  private static MessageContext context(ShellReplyEnvironment env) {
    return env.getContext();
  }

  private static void send(ShellReplyEnvironment env, Message<?> msg) {
    env.getIopub().sendMessage(msg);
  }
}
