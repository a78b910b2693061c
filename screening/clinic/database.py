"""Opening the clinic database: the engine, safe SQLite settings, migrations on open.

SQLite is run the way a clinic's records deserve:
- WAL journal with synchronous=FULL: a committed save survives a crash or a killed
  process, and an interrupted one leaves no trace (SQLite's atomic commit).
- Writes start with BEGIN IMMEDIATE and wait up to `BUSY_TIMEOUT_S` for another writer,
  so two processes saving at once queue instead of failing with "database is locked".
- foreign_keys=ON, so deleting a client cascades to everything of theirs, and
  secure_delete=ON, so erased records are overwritten in the file, not merely unlinked.
- The file and its folder are created readable by the owner only (0600 / 0700).

Any other SQLAlchemy URL (PostgreSQL for a bigger clinic) is used as given. The schema is
brought up to date with the migrations shipped inside this package (`alembic upgrade
head`, run here on open), so an older database is upgraded in place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from screening.clinic.location import data_dir, default_db_url
from screening.core.errors import ScreeningError
from screening.io.files import private_dir, private_file

BUSY_TIMEOUT_S = 30.0
"""How long a write waits for another process's write to finish before giving up."""
MIGRATIONS = "screening.clinic:migrations"
_WRITE = "screening_write"


class StoreError(ScreeningError):
    """The clinic database cannot be opened or asked for something it does not hold."""


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for another database or an in-memory one."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser()


def _sqlite_events(engine: Engine) -> None:
    """Per-connection pragmas, and BEGIN / BEGIN IMMEDIATE emitted by us, not by pysqlite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "secure_delete=ON",
            f"busy_timeout={int(BUSY_TIMEOUT_S * 1000)}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


class Store:
    """An open clinic database: read and write sessions over one engine."""

    def __init__(self, engine: Engine, clips_dir: Path) -> None:
        self.engine = engine
        self.clips_dir = clips_dir
        """Where videos a therapist chose to keep are copied."""
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )

    @property
    def url(self) -> str:
        return _shown(self.engine.url)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries: one consistent snapshot, nothing written."""
        with self._read() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose changes are committed together at the end, or not at all."""
        with self._write() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _alembic_config(connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def _migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, under a write lock when one is needed."""
    config = _alembic_config(None)
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
    if current == head:
        return
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        raise StoreError(
            f"the clinic database {_shown(engine.url)} was written by a newer "
            "version of screening; update screening to open it"
        )
    with engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
        # Another process may have migrated while we waited for the lock: upgrade is a
        # no-op then, as alembic reads the revision again inside this transaction.
        command.upgrade(_alembic_config(conn), "head")


def open_store(url: str | None = None, *, must_exist: bool = False) -> Store:
    """Open (creating and migrating as needed) the clinic database at `url`.

    url: a SQLAlchemy URL; None means `SCREENING_DB_URL` or the per-user SQLite file.
    must_exist: a SQLite file that is not there is an error instead of a new, empty
    database (for commands that only read one, such as `screening eval --db`).
    """
    text = url or default_db_url()
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise StoreError(
            f"{text!r} is not a database URL (try sqlite:///path/clinic.sqlite3 "
            "or postgresql+psycopg://user@host/clinic)"
        ) from None
    path = _sqlite_file(parsed)
    if path is not None and must_exist and not path.exists():
        raise StoreError(f"there is no clinic database at {path}")
    if path is not None:
        try:
            private_file(path)
        except OSError as exc:
            raise StoreError(
                f"cannot create the clinic database {path}: {exc.strerror or exc}"
            ) from None
        parsed = parsed.set(database=str(path))
    try:
        engine = create_engine(
            parsed,
            connect_args={"timeout": BUSY_TIMEOUT_S}
            if parsed.get_backend_name() == "sqlite"
            else {},
        )
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            f"cannot open {_shown(parsed)}: its database driver is not installed ({exc})"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        _sqlite_events(engine)
    try:
        _migrate(engine)
    except DBAPIError as exc:
        engine.dispose()
        why = " ".join(str(exc.orig).split())  # drivers' messages run over several lines
        raise StoreError(f"cannot open the clinic database {_shown(parsed)}: {why}") from None
    clips = (path.parent / f"{path.stem}-clips") if path is not None else data_dir() / "clips"
    return Store(engine, clips)


def ensure_clips_dir(store: Store) -> Path:
    """The kept-clips folder, created owner-only on first use."""
    return private_dir(store.clips_dir)
