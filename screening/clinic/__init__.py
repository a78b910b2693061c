"""Clinic records: clients, assessments over time, therapist reviews (SQLAlchemy + Alembic).

`open_store()` opens the clinic database (a private SQLite file by default, any SQLAlchemy
URL with `SCREENING_DB_URL`), upgrading its schema on open; `repository` holds the
functions that read and write it, each write one transaction.

SQLAlchemy and Alembic are imported on first use of `open_store`, `Store` or `StoreError`,
not with this package, so commands that never touch the database start as fast as before.
"""

from __future__ import annotations

from typing import Any

from screening.clinic.location import DB_URL_ENV_VAR, default_db_url

__all__ = ["DB_URL_ENV_VAR", "Store", "StoreError", "default_db_url", "open_store"]


def __getattr__(name: str) -> Any:
    if name in ("Store", "StoreError", "open_store"):
        from screening.clinic import database

        return getattr(database, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
