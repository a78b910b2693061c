"""Clinic records: clients, assessments over time, therapist reviews (SQLAlchemy + Alembic).

`open_store()` opens the clinic database (a private SQLite file by default, any SQLAlchemy
URL with `SCREENING_DB_URL`), upgrading its schema on open; `repository` holds the
functions that read and write it, each write one transaction.
"""

from screening.store.engine import Store, StoreError, open_store
from screening.store.location import DB_URL_ENV_VAR, default_db_url

__all__ = ["DB_URL_ENV_VAR", "Store", "StoreError", "default_db_url", "open_store"]
