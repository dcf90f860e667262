"""Read-model attributes made when a query reads them, not for every row a batch fetches.

A nested screen fetches thousands of rows and asks for one or two fields of each: the views
keep integer minor units and pair them with the currency's exponent on read (MoneyOf), and
leave dates and timestamps in the row, converted from the driver's value on read (FromRow).
"""

from __future__ import annotations

from typing import Any, overload

from domain.money import Money

# Money is a NamedTuple; its generated __new__ is a Python function, tuple's is not.
_new_tuple = tuple.__new__


class MoneyOf:
    """`amount = MoneyOf("amount_minor")`: Money(obj.amount_minor, obj.exponent) on read."""

    __slots__ = ("minor",)

    def __init__(self, minor: str) -> None:
        self.minor = minor

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> MoneyOf: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> Money: ...

    def __get__(self, obj: object | None, owner: type[Any]) -> Money | MoneyOf:
        if obj is None:
            return self
        minor = getattr(obj, self.minor)
        if minor is None:
            raise LookupError(f"{type(obj).__name__}.{self.minor} was not loaded")
        return _new_tuple(Money, (minor, obj.exponent))  # type: ignore[attr-defined]


class OptionalMoneyOf(MoneyOf):
    """Like MoneyOf, None where the minor units are None."""

    def __get__(self, obj: object | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        minor = getattr(obj, self.minor)
        return None if minor is None else _new_tuple(Money, (minor, obj.exponent))  # type: ignore[attr-defined]


class FromRow:
    """`due_on = FromRow()`: the view's `row.due_on`, read (and converted) when asked for.

    A view whose row holds the columns under a prefix (a payment joined into an allocation
    row as `payment_created_at`) sets `columns_prefix`.
    """

    __slots__ = ("column",)

    def __init__(self) -> None:
        self.column = ""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.column = name

    def __get__(self, obj: object | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        prefix = getattr(obj, "columns_prefix", "")
        return getattr(obj.row, prefix + self.column)  # type: ignore[attr-defined]
