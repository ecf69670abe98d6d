#!/usr/bin/env python3
"""A Cairn executor plugin: seed 002's executor protocol, version 1, in plain Python 3.

The host writes HostMessage lines on stdin and reads PluginMessage lines from stdout (one JSON
document per line). This plugin:

1. reads the `execute` line (refusing another protocol version),
2. reads the workspace archive (a tar stream) with `archive_read` requests of at most 1 MiB,
3. unpacks it into a temporary directory and runs the step's argv or script there, in its workdir,
   with exactly the step's environment; the command's output goes to stderr, the step's log,
4. answers `result` with the exit code (no snapshot, no artifacts: a plugin that uploads nothing
   reports none), or `failed` when it cannot run the step or is cancelled.

It isolates nothing: it is a demonstration of the protocol, not a sandbox. See
docs/executor-protocol.md.
"""
import base64
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading

PROTOCOL_VERSION = 1
READ_MAX = 1024 * 1024

out_lock = threading.Lock()


def send(message):
    line = json.dumps(message, separators=(",", ":"))
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def failed(code, message, retryable=False):
    send({"type": "failed", "code": code, "message": message, "retryable": retryable})


class Host:
    """Reads host lines on a thread: archive answers go to waiters, `cancel` sets a flag."""

    def __init__(self):
        self.answers = {}
        self.cond = threading.Condition()
        self.cancelled = threading.Event()
        self.closed = False
        self.child = None

    def first(self):
        line = sys.stdin.readline()
        return json.loads(line) if line else None

    def loop(self):
        for line in sys.stdin:
            msg = json.loads(line)
            kind = msg.get("type")
            if kind in ("archive_data", "archive_error"):
                with self.cond:
                    self.answers[msg["request_id"]] = msg
                    self.cond.notify_all()
            elif kind == "cancel":
                self.cancelled.set()
                child = self.child
                if child is not None and child.poll() is None:
                    os.killpg(child.pid, signal.SIGKILL)
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def read(self, request_id, archive_id, offset):
        send({"type": "archive_read", "request_id": request_id,
              "request": {"archive_id": archive_id, "offset": offset, "max": READ_MAX}})
        with self.cond:
            while request_id not in self.answers and not self.closed:
                self.cond.wait()
            if request_id not in self.answers:
                raise RuntimeError("the host closed stdin during an archive read")
            return self.answers.pop(request_id)


def main():
    host = Host()
    first = host.first()
    if first is None or first.get("type") != "execute":
        failed("protocol_violation", "the first line must be an execute message")
        return
    if first.get("protocol_version") != PROTOCOL_VERSION:
        failed("unsupported_protocol_version",
               "this plugin speaks version %d, not %r" % (PROTOCOL_VERSION, first.get("protocol_version")))
        return
    threading.Thread(target=host.loop, daemon=True).start()
    inp = first["input"]

    archive = io.BytesIO()
    offset, request_id = 0, 0
    while True:
        answer = host.read(request_id, inp["workspace_archive_id"], offset)
        request_id += 1
        if answer["type"] == "archive_error":
            failed("workspace_unavailable", "archive read failed: %s: %s" % (answer["code"], answer["message"]))
            return
        chunk = base64.b64decode(answer["response"]["bytes"])
        archive.write(chunk)
        offset += len(chunk)
        if answer["response"]["eof"]:
            break

    with tempfile.TemporaryDirectory(prefix="cairn-plugin-") as work:
        archive.seek(0)
        with tarfile.open(fileobj=archive, mode="r:") as tar:
            tar.extractall(work, filter="tar")
        log("workspace: %d bytes of archive unpacked" % offset)
        run = inp["step"]["run"]
        if "argv" in run:
            argv = run["argv"]
        else:
            script = run["script"]
            argv = [script.get("shell", "/bin/sh"), "-c", script["source"]]
        cwd = os.path.join(work, inp["workdir"])
        os.makedirs(cwd, exist_ok=True)
        if host.cancelled.is_set():
            failed("cancelled", "cancelled before the command started")
            return
        child = subprocess.Popen(argv, cwd=cwd, env=dict(inp["env"]), stdin=subprocess.DEVNULL,
                                 stdout=sys.stderr, stderr=sys.stderr, start_new_session=True)
        host.child = child
        code = child.wait()
        if host.cancelled.is_set():
            failed("cancelled", "the command was killed on the host's request")
            return
        if code < 0:
            code = 128 - code
        send({"type": "result", "result": {"exit_code": code, "committed_snapshot": None, "artifacts": []}})


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the host must always get a final line
        failed("plugin_error", "%s: %s" % (type(e).__name__, e))
