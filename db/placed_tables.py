"""Creating a table in a migration on a database that may be distributed already.

Citus refuses a foreign key from a table not yet distributed to a distributed one, so on a
distributed database the keys to other account tables wait until the new table is placed
(db/distribute.py's place_new_table). Elsewhere the table is created as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from db.distribute import distributed_anchor, place_new_table


def create_placed_table(
    op: Any, name: str, *elements: Any, indexes: Sequence[tuple[str, list[str], bool]] = ()
) -> None:
    """Create the table with its indexes (name, columns, unique) and place it by its rule."""
    distributed = distributed_anchor(op.get_bind()) is not None
    deferred = [
        element
        for element in elements
        if distributed
        and isinstance(element, sa.ForeignKeyConstraint)
        and _to_account_table(element)
    ]
    waiting = {id(key) for key in deferred}
    op.create_table(name, *(element for element in elements if id(element) not in waiting))
    for index, columns, unique in indexes:
        op.create_index(index, name, columns, unique=unique)
    place_new_table(op, name)
    for key in deferred:
        remote = [element.target_fullname.split(".") for element in key.elements]
        op.create_foreign_key(
            f"fk_{name}_{'_'.join(key.column_keys[1:])}",
            name,
            remote[0][0],
            list(key.column_keys),
            [column for _table, column in remote],
        )


def _to_account_table(key: sa.ForeignKeyConstraint) -> bool:
    """A key to another table of the account (not to the `account` reference table itself)."""
    return key.elements[0].target_fullname.split(".")[0] != "account"
