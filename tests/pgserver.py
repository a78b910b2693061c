"""A throwaway PostgreSQL server for the store tests: its own data folder, a Unix socket
in that folder and no TCP port, trust authentication, stopped and deleted afterwards.

Why a real server rather than a mock: the clinic store promises to work on PostgreSQL
(`SCREENING_DB_URL`), and what differs from SQLite (cascades, case-insensitive search,
concurrent writers, the migrations' DDL) only shows on the real thing.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "clinic"


def find_bindir() -> Path | None:
    """Debian keeps initdb and pg_ctl out of PATH, in /usr/lib/postgresql/<version>/bin."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgServerError(RuntimeError):
    """The test server could not be started or asked for a database."""


@dataclass
class PgServer:
    bindir: Path
    root: Path
    """The data folder lives here, and the server's Unix socket."""
    _run_as: list[str]

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self._run_as, str(self.bindir / tool), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if done.returncode:
            why = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise PgServerError(f"{tool}: {why[0]}")

    def create_database(self, name: str) -> str:
        """A new empty database, and its SQLAlchemy URL."""
        self._run("createdb", "-h", str(self.root), "-U", USER, name)
        return f"postgresql+psycopg://{USER}@/{name}?host={self.root}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start() -> PgServer:
    """Start a server; PostgreSQL refuses to run as root, so root runs it as `postgres`."""
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL's initdb was not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="screening-pg-"))
    server = PgServer(bindir, root, [])
    try:
        if os.geteuid() == 0:
            shutil.chown(root, user="postgres")  # LookupError without a postgres user
            server._run_as = ["runuser", "-u", "postgres", "--"]
        server._run("initdb", "-D", str(root / "data"), "-A", "trust", "-U", USER, "--no-sync")
        server._run(
            "pg_ctl",
            "-D",
            str(root / "data"),
            "-l",
            str(root / "log"),
            "-w",
            "-o",
            f"-k {root} -c listen_addresses='' -c fsync=off",
            "start",
        )
    except LookupError:
        shutil.rmtree(root, ignore_errors=True)
        raise PgServerError(
            "running as root, but there is no `postgres` user to run the server as"
        ) from None
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server
