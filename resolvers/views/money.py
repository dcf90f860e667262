"""Money attributes built when a query reads them, not for every row a batch fetches.

A nested screen fetches thousands of rows and asks for one or two amounts of each; the views
keep integer minor units in slots and pair them with the currency's exponent on read.
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
        return None if minor is None else Money(minor, obj.exponent)  # type: ignore[attr-defined]
