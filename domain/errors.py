"""The one exception the domain raises for an expected, user-facing failure."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    INVALID_CURRENCY = "INVALID_CURRENCY"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    PERCENTAGES_MUST_TOTAL_100 = "PERCENTAGES_MUST_TOTAL_100"
    AMOUNTS_MUST_TOTAL_SCHEDULE = "AMOUNTS_MUST_TOTAL_SCHEDULE"
    ZERO_AMOUNT_ITEM = "ZERO_AMOUNT_ITEM"
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS"
    RUN_DATES_OUT_OF_ORDER = "RUN_DATES_OUT_OF_ORDER"
    INVALID_STATE = "INVALID_STATE"
    ALREADY_SCHEDULED = "ALREADY_SCHEDULED"
    EXCEEDS_UNINVOICED_AMOUNT = "EXCEEDS_UNINVOICED_AMOUNT"
    EXCEEDS_BALANCE_DUE = "EXCEEDS_BALANCE_DUE"
    DUPLICATE_INVOICE = "DUPLICATE_INVOICE"
    TRANSACTION_ID_NOT_ALLOWED = "TRANSACTION_ID_NOT_ALLOWED"
    TRANSACTION_ID_REQUIRED = "TRANSACTION_ID_REQUIRED"
    ATTRS_TOO_LONG = "ATTRS_TOO_LONG"
    DISTRIBUTION_TOTAL_MISMATCH = "DISTRIBUTION_TOTAL_MISMATCH"
    EXCEEDS_LINE_AMOUNT = "EXCEEDS_LINE_AMOUNT"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    TRANSACTION_ID_TAKEN = "TRANSACTION_ID_TAKEN"
    MILESTONE_ALREADY_INVOICED = "MILESTONE_ALREADY_INVOICED"
    EXCEEDS_CONTRACT_VALUE = "EXCEEDS_CONTRACT_VALUE"
    EXCEEDS_UNAPPLIED_AMOUNT = "EXCEEDS_UNAPPLIED_AMOUNT"
    EXCEEDS_CREDITABLE_AMOUNT = "EXCEEDS_CREDITABLE_AMOUNT"
    CLIENT_MISMATCH = "CLIENT_MISMATCH"


class DomainError(Exception):
    """An expected failure: which rule (code), which input (field), and why (message)."""

    def __init__(self, code: ErrorCode, field: str | Sequence[str] | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field: list[str] | None = (
            None if field is None else [field] if isinstance(field, str) else list(field)
        )
        self.message = message

    def at(self, *prefix: str) -> DomainError:
        """Return the same error with its field path placed under `prefix`."""
        return DomainError(self.code, [*prefix, *(self.field or [])], self.message)


class DomainErrors(DomainError):
    """Several expected failures of one input, reported together; it reads as the first."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.code, first.field, first.message)
        self.errors = list(errors)


class ErrorCollector:
    """Gathers the DomainErrors of every part of an input, so all of them are reported."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def add(self, error: DomainError) -> None:
        """Record `error` (every error of it, when it holds several)."""
        self.errors.extend(error.errors if isinstance(error, DomainErrors) else [error])

    def raise_any(self) -> None:
        """Raise every error gathered so far, if there is one."""
        if self.errors:
            raise DomainErrors(self.errors)


def every_error(error: DomainError) -> list[DomainError]:
    """Return the single errors `error` stands for."""
    return error.errors if isinstance(error, DomainErrors) else [error]
