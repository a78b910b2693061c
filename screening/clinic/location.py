"""Where the clinic database lives: the one place for that setting.

By default a SQLite file in the user's data folder (platformdirs picks the right one on
Linux, macOS and Windows). `SCREENING_DB_URL` (or `--db URL`) points elsewhere: another
SQLite file, or a server database such as PostgreSQL when a clinic grows
(`postgresql+psycopg://user@host/clinic`; install the driver it names).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DB_URL_ENV_VAR = "SCREENING_DB_URL"
APP_NAME = "screening"
DB_FILE_NAME = "clinic.sqlite3"


def data_dir() -> Path:
    """The per-user folder for the clinic database and any clips a therapist keeps."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    """`SCREENING_DB_URL` if set, else a SQLite file in the per-user data folder."""
    url = os.environ.get(DB_URL_ENV_VAR, "").strip()
    return url or f"sqlite:///{data_dir() / DB_FILE_NAME}"
