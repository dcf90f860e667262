"""Which database errors are the database being away (503, retry) and which are not."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError

from db.errors import is_unavailable


class DriverError(Exception):
    """An error as asyncpg raises it, with its SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("sqlstate", ["08003", "08006", "57P01", "57P02", "57P03"])
def test_a_lost_connection_or_a_server_shutting_down_is_unavailable(sqlstate: str) -> None:
    wrapped = DBAPIError("INSERT ...", None, DriverError(sqlstate))  # as the adapter wraps it
    try:
        raise wrapped from DriverError(sqlstate)
    except DBAPIError as error:
        assert is_unavailable(error)


@pytest.mark.parametrize("sqlstate", ["23505", "40001", "42703", "57014"])
def test_a_statement_that_failed_is_not_unavailable(sqlstate: str) -> None:
    assert not is_unavailable(DriverError(sqlstate))


def test_asyncpg_s_connection_does_not_exist_is_unavailable() -> None:
    assert is_unavailable(asyncpg.ConnectionDoesNotExistError("connection was closed"))
