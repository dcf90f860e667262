"""Alembic environment: runs migrations over the async engine named by sqlalchemy.url."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import db.tables
from db.distribute import prepare_migrations
from db.engine import create_engine

target_metadata = db.tables.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        prepare_migrations(connection)  # on a distributed Citus coordinator only
        context.run_migrations()


async def run_online() -> None:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copying it, which SQLite refuses for a table
            # others reference while foreign keys are enforced; the pragma only takes effect
            # outside a transaction, so it goes to the driver before SQLAlchemy's BEGIN.
            raw = await connection.get_raw_connection()
            await raw.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        await connection.run_sync(run_with)
        await connection.commit()
        if sqlite:
            broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
            await connection.commit()
            await raw.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
            if broken:
                raise RuntimeError(f"the migration left rows without their parent: {broken[:5]}")
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_online())
