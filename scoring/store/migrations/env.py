"""Alembic environment of the client store, driven programmatically by ``Store.open``.

The caller passes an open connection in ``config.attributes["connection"]``; there is no
alembic.ini. Without one (e.g. ``alembic -x url=...`` from a shell), the URL comes from
``sqlalchemy.url`` or ``-x url=``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from scoring.store.models import Base

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds tables for later revisions.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
    else:
        url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
        engine = create_engine(url)
        with engine.begin() as connection:
            _run(connection)
        engine.dispose()
