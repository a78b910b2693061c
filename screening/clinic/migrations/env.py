"""Alembic environment for the clinic database.

`screening.clinic.database.open_store` runs the migrations on the connection it opened (passed
in `config.attributes["connection"]`). Developers adding a migration can also run the
`alembic` command with this folder as script_location; the database is then the one
`SCREENING_DB_URL` (or the per-user default) names.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from screening.clinic.location import default_db_url
from screening.clinic.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    with create_engine(default_db_url()).begin() as own:
        context.configure(connection=own, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
