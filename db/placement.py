"""Creating a table in a migration so that it also works on a distributed Citus database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKeyConstraint

from db.distribute import distributed_anchor, place_new_table


def create_placed_table(op: Any, table: str, *elements: Any) -> None:
    """Create `table` (columns and constraints as for `op.create_table`) and place it.

    On a distributed database Citus refuses a coordinator-local table with a foreign key to a
    distributed one, so there the foreign keys are added once the table is placed; elsewhere
    (SQLite cannot add a constraint later) the table is created whole.
    """
    if distributed_anchor(op.get_bind()) is None:
        op.create_table(table, *elements)
        return
    foreign_keys = [e for e in elements if isinstance(e, ForeignKeyConstraint)]
    op.create_table(table, *(e for e in elements if not isinstance(e, ForeignKeyConstraint)))
    place_new_table(op, table)
    for number, key in enumerate(foreign_keys, 1):
        op.create_foreign_key(
            f"fk_{table}_{number}",
            table,
            key.elements[0].target_fullname.split(".")[0],
            [column for column in key.column_keys],
            [element.target_fullname.split(".")[1] for element in key.elements],
        )
