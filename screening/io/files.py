"""Files only their owner can read: the clinic database, kept clips and exports.

Clinical records are health data. Everything this package creates on disk is readable by
the owner only (files 0600, folders 0700), whatever the user's umask, and an export is
written atomically (a temporary file in the same folder, then a rename), so a full disk or
a crash never leaves a half-written file behind under the real name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from screening.core.errors import ScreeningError

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


class ExportError(ScreeningError):
    """A file could not be written (disk full, no permission, ...); nothing was left behind."""


def private_dir(path: str | Path) -> Path:
    """Create a folder (and missing parents) readable by the owner only.

    Folders that already exist are left as they are: they may be the user's own (their
    home, a shared drive) and are not ours to change.
    """
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: str | Path) -> Path:
    """Make sure an (empty) file exists at `path` with owner-only permissions.

    Created with O_EXCL so a file another process creates at the same moment is not
    truncated; an existing file is only tightened to 0600.
    """
    path = Path(path)
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    os.chmod(path, PRIVATE_FILE_MODE)
    return path


def write_private_atomic(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` (0600) all at once: either the whole file appears, or none.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    temporary file is renamed over `path`. On any error (a full disk, a read-only folder)
    the temporary file is removed and one `ExportError` says what happened.
    """
    path = Path(path)
    try:
        private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:  # mkstemp already made it 0600
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise ExportError(
            f"cannot write {path}: {exc.strerror or exc}; nothing was written"
        ) from None
    return path
