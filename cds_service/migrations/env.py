"""Alembic environment: runs the migrations on the connection FeedbackStore.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from cds_service.store import Base


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


_given: Connection | None = context.config.attributes.get("connection")
if _given is not None:
    _run(_given)
else:  # the alembic command line, with -x url=...
    with create_engine(context.get_x_argument(as_dictionary=True)["url"]).connect() as _own:
        _run(_own)
