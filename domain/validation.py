"""Small input checks shared by the use cases; each raises DomainError naming the field."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode


def clean_text(
    value: str | None, *, field: str | list[str], max_length: int, required: bool = True
) -> str | None:
    """Return `value` stripped, or None when optional and blank; reject empty or too long."""
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(ErrorCode.INVALID, field, "Must not be empty.")
        return None
    if len(text) > max_length:
        raise DomainError(ErrorCode.INVALID, field, f"Must be at most {max_length} characters.")
    return text


def required_text(value: str | None, *, field: str | list[str], max_length: int) -> str:
    """Return `value` stripped; reject it when empty or longer than `max_length`."""
    text = clean_text(value, field=field, max_length=max_length)
    assert text is not None
    return text


def int_in_range(value: int, *, field: str | list[str], low: int, high: int) -> int:
    """Return `value` when low <= value <= high."""
    if not low <= value <= high:
        raise DomainError(ErrorCode.INVALID, field, f"Must be between {low} and {high}.")
    return value
