"""Drives a Jupyter kernel through jupyter_client for the kernel tests.

Usage: /usr/bin/python3 kernel_driver.py <kernel_name> <cwd> < steps.json > results.json
Each step is {"op": "execute"|"execute_interrupt"|"complete"|"inspect"|"is_complete", "code": ...,
"cursor": n}; execute_interrupt sends an interrupt request 2 s after the code starts.
Each result holds the shell reply's content and, for execute, the iopub outputs of that request
(stream, display_data, execute_result, error). Kernel discovery follows JUPYTER_PATH.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def collect(kc, msg_id, timeout):
    outputs = []
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "status" and msg["content"]["execution_state"] == "idle":
            return outputs
        if t in ("stream", "display_data", "execute_result", "error", "update_display_data"):
            outputs.append({"type": t, "content": msg["content"]})


def main():
    kernel_name, cwd = sys.argv[1], sys.argv[2]
    steps = json.load(sys.stdin)
    km, kc = start_new_kernel(kernel_name=kernel_name, cwd=cwd, startup_timeout=90)
    results = []
    try:
        for step in steps:
            op, code = step["op"], step.get("code", "")
            cursor = step.get("cursor", len(code))
            if op == "execute":
                msg_id = kc.execute(code)
            elif op == "execute_interrupt":
                msg_id = kc.execute(code)
                time.sleep(step.get("after", 2))
                km.interrupt_kernel()
            elif op == "complete":
                msg_id = kc.complete(code, cursor)
            elif op == "inspect":
                msg_id = kc.inspect(code, cursor, detail_level=0)
            elif op == "is_complete":
                msg_id = kc.is_complete(code)
            else:
                raise ValueError("unknown op " + op)
            reply = kc.get_shell_msg(timeout=120)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = kc.get_shell_msg(timeout=120)
            outputs = collect(kc, msg_id, 120)
            results.append({"op": op, "reply": reply["content"], "outputs": outputs})
        # the kernel must still answer after everything above
        msg_id = kc.execute("1 + 1")
        reply = kc.get_shell_msg(timeout=120)
        results.append({"op": "final", "reply": reply["content"], "outputs": collect(kc, msg_id, 120)})
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
