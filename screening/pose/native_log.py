"""Keep the pose model's native log lines off the user's stderr, safely for threads.

MediaPipe and TFLite write C++ log lines ("INFO: [accelerator_registry.cc:43]
DestroyAccelerator ...", "W0000 ... inference_feedback_manager.cc ...") straight to file
descriptor 2. No environment variable silences all of them (GLOG_minloglevel,
TF_CPP_MIN_LOG_LEVEL, ABSL_MIN_LOG_LEVEL and TFLITE_LOG_SEVERITY all leave mediapipe
1.2.3's close message in place), and they break the CLI's promise of one stderr line per
failed video.

Redirecting fd 2 around each model call is not safe: two threads (two browser sessions)
that save and restore fd 2 in an interleaved order can leave the whole process silenced,
and anything else written in the window is lost. Instead, once per process, fd 2 becomes a
pipe read by one daemon thread, and Python's own `sys.stderr` is pointed at the original
stderr. The thread sends lines in the native log formats to `logging` (debug for
information and warnings, warning for errors, so `--verbose` shows them all) and passes
every other line (a child process's traceback, say) through unchanged.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import os
import re
import sys
import threading

log = logging.getLogger("screening.native")

# glog / absl ("I0000 00:00:1733 123 file.cc:12] ...") and TFLite ("INFO: ...") prefixes.
_GLOG = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d")
_TFLITE = re.compile(r"^(VERBOSE|INFO|WARNING|ERROR): ")
# Two threads logging at once interleave their write() calls, so a line can lose its prefix
# to another ("INFO: INFO: [a.cc:1] ...\n[b.cc:2] ...\n"); the source location still
# marks it.
_SOURCE = re.compile(r"^\[[\w./-]+\.(?:cc|cpp|c|h):\d+\]")
_QUIET_LEVELS = {"I", "W", "VERBOSE", "INFO", "WARNING"}

_lock = threading.Lock()
_state: dict[str, object] = {}


def native_level(line: str) -> int | None:
    """The logging level for a native log line, or None when the line is not one."""
    match = _GLOG.match(line) or _TFLITE.match(line)
    if match is None:
        return logging.DEBUG if _SOURCE.match(line) else None
    return logging.DEBUG if match.group(1) in _QUIET_LEVELS else logging.WARNING


_SENTINEL = "\x00screening-native-log-drained\x00"


def _pump(read_fd: int, real_fd: int, drained: threading.Event) -> None:
    """Read fd 2's pipe line by line: native lines to logging, the rest to the terminal.

    Writes go straight to the real stderr's file descriptor, one whole line per call, so
    they never tangle with Python's own writes through `sys.stderr` from other threads.
    Blank lines are dropped (interleaved native writes leave them).
    """
    pending = b""
    while True:
        try:
            chunk = os.read(read_fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace")
            if line == _SENTINEL:
                drained.set()
                continue
            if not line.strip():
                continue
            level = native_level(line)
            if level is None:
                with contextlib.suppress(OSError):  # the terminal behind stderr is gone
                    os.write(real_fd, raw + b"\n")
            else:
                log.log(level, "%s", line)


def _drain(drained: threading.Event, pipe_inode: int) -> None:
    """At exit, let the reader pass on all that was written before: a marker line goes
    down the pipe after everything else, and we wait (briefly) until the reader sees it.
    Nothing is written if fd 2 is no longer our pipe (someone redirected it since)."""
    try:
        if os.fstat(2).st_ino != pipe_inode:
            return
        os.write(2, (_SENTINEL + "\n").encode())
    except OSError:
        return
    drained.wait(1.0)


def route_native_stderr() -> None:
    """Send native log lines written to fd 2 to `logging`; idempotent and thread-safe.

    Call it from an entry point (the CLI, the app) before any pose model is created. It
    does nothing when `sys.stderr` is not the process's own (a test capturing it, say).
    """
    with _lock:
        if _state or sys.stderr is not sys.__stderr__:
            return
        _state["installed"] = True  # once, even if stderr turns out to be unusable
        try:
            if sys.stderr is not None:
                sys.stderr.flush()
            real_fd = os.dup(2)
        except (OSError, ValueError):  # no usable stderr (closed, or a broken pipe)
            return
        read_fd, write_fd = os.pipe()
        os.dup2(write_fd, 2)
        os.close(write_fd)
        # Line-buffered, so each line leaves in one write() and cannot be split by a line
        # the reader thread passes on at the same moment.
        real = io.TextIOWrapper(
            os.fdopen(real_fd, "wb", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            line_buffering=True,
        )
        sys.stderr = real
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
                handler.setStream(real)
        drained = threading.Event()
        thread = threading.Thread(
            target=_pump, args=(read_fd, real_fd, drained), daemon=True, name="native-stderr"
        )
        thread.start()
        atexit.register(_drain, drained, os.fstat(2).st_ino)
        _state.update(real=real, thread=thread)
