"""Alembic environment: run by ``fiches.contrib.db.migrate`` with an open connection.

``migrate`` passes its connection (inside its transaction, under its lock) in
``config.attributes["connection"]``; there is no alembic.ini. To write a new revision:
``.venv/bin/python -c "from alembic import command; from fiches.contrib import db;
command.revision(db.alembic_config(), 'what it does', rev_id='0002')"`` then edit it by hand.
"""

from alembic import context

from fiches.contrib.storage import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through fiches.contrib.db.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite alters tables by copying them: Alembic's batch mode does it.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
