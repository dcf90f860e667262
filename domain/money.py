"""Money: currency exponents, exact amount parsing and formatting, largest-remainder splits.

Amounts live as integers in minor units (cents, yen, fils). Nothing here uses floats or rounds:
input that cannot be represented exactly is rejected with a DomainError.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from domain.errors import DomainError, ErrorCode

# ISO 4217 minor-unit exponents for the currencies the server supports.
CURRENCY_EXPONENTS: dict[str, int] = {
    # no minor units
    **dict.fromkeys(
        ["JPY", "KRW", "CLP", "ISK", "VND", "PYG", "UGX", "RWF", "XAF", "XOF", "XPF"], 0
    ),
    # three decimals
    **dict.fromkeys(["KWD", "BHD", "JOD", "OMR", "TND", "IQD", "LYD"], 3),
    # two decimals
    **dict.fromkeys(
        [
            "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN",
            "CZK", "HUF", "RON", "INR", "CNY", "HKD", "SGD", "TWD", "THB", "MYR", "IDR",
            "PHP", "MXN", "BRL", "COP", "PEN", "ARS", "ZAR", "EGP", "NGN", "KES", "ILS",
            "AED", "SAR", "QAR", "TRY", "UAH", "PKR", "BDT",
        ],
        2,
    ),
}  # fmt: skip

MAX_INTEGER_DIGITS = 15
PERCENTAGE_DECIMALS = 4

_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_EXPONENT_FORM = re.compile(r"[+-]?[0-9.]+e[+-]?[0-9]+")
_MISSING_DIGITS = re.compile(r"-?(\.[0-9]+|[0-9]+\.)")
_GROUPED = re.compile(r"[0-9][,_' ][0-9]")


def currency_exponent(currency: str, *, field: str | list[str] = "currency") -> int:
    """Return the number of minor-unit decimals of an ISO 4217 currency code."""
    exponent = CURRENCY_EXPONENTS.get(currency) if isinstance(currency, str) else None
    if exponent is None:
        raise DomainError(
            ErrorCode.INVALID_CURRENCY,
            field,
            f"Currency {currency!r} is not supported: it must be an upper-case ISO 4217 code "
            "the server supports, such as USD, EUR or JPY.",
        )
    return exponent


_KINDS = {
    bool: "a boolean: true and false are not amounts",
    float: "a number with a fraction (send the amount as a string)",
    list: "a list",
    dict: "an object",
    type(None): "null",
}


def _kind_of(value: object) -> str:
    """Return what a non-amount value is, in the words of the JSON or GraphQL it came in."""
    return _KINDS.get(type(value), "a string or an integer amount")


def _scaled(
    value: object, *, places: int, code: ErrorCode, field: str | list[str], noun: str
) -> int:
    """Return `value` times 10**places as an exact int (possibly <= 0), or raise DomainError."""

    def fail(problem: str) -> DomainError:
        return DomainError(code, field, f"{noun} {problem}.")

    if isinstance(value, bool) or not isinstance(value, str | int):
        raise fail(f'must be a decimal string such as "12.50", not {_kind_of(value)}')
    if isinstance(value, int):
        return value * 10**places
    if not value.strip():
        raise fail("must not be empty")
    if value != value.strip():
        raise fail("must not have leading or trailing spaces")
    bare = value.lower().lstrip("+-")
    if bare in ("nan", "snan", "inf", "infinity"):
        raise fail("must be a finite number, not NaN or Infinity")
    if value.startswith("+"):
        raise fail("must not have a '+' sign")
    if _EXPONENT_FORM.fullmatch(value.lower()):
        raise fail("must be written out in full, not in exponent form such as 1e3")
    if _GROUPED.search(value):
        raise fail('must not contain thousands separators: write "10000.00", not "10,000.00"')
    match = _DECIMAL.fullmatch(value)
    if match is None:
        if _MISSING_DIGITS.fullmatch(value):
            raise fail('must have digits on both sides of the decimal point, such as "0.50"')
        raise fail(f'must be a decimal number such as "12.50", not {value!r}')
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    if len(fraction) > places:
        if places == 0:
            raise fail("must be a whole number: this currency has no decimal places")
        limit = "the currency allows" if code is ErrorCode.INVALID_AMOUNT else "the limit is"
        raise fail(f"has {len(fraction)} decimal places, but {limit} at most {places}")
    whole = whole.lstrip("0") or "0"  # int() of thousands of digits raises, and is slow
    if len(whole) > MAX_INTEGER_DIGITS:
        raise fail(f"is too large: at most {MAX_INTEGER_DIGITS} digits before the decimal point")
    magnitude = int(whole + fraction.ljust(places, "0"))
    return -magnitude if sign else magnitude


def parse_amount(
    value: str | int, *, exponent: int, field: str | list[str], allow_zero: bool = False
) -> int:
    """Return the exact amount `value` (a decimal string or whole int) in integer minor units."""
    minor = _scaled(
        value, places=exponent, code=ErrorCode.INVALID_AMOUNT, field=field, noun="Amount"
    )
    if minor < 0:  # "-0" is zero, not negative
        raise DomainError(ErrorCode.INVALID_AMOUNT, field, "Amount must not be negative.")
    if minor == 0 and not allow_zero:
        raise DomainError(ErrorCode.INVALID_AMOUNT, field, "Amount must be greater than zero.")
    if minor >= 10 ** (MAX_INTEGER_DIGITS + exponent):
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            field,
            f"Amount is too large: at most {MAX_INTEGER_DIGITS} digits before the decimal point.",
        )
    return minor


def format_amount(minor: int, exponent: int) -> str:
    """Return `minor` units as a decimal string with exactly `exponent` decimals."""
    if exponent < 0:
        raise ValueError("exponent must not be negative")
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}" if exponent else f"{sign}{whole}"


class Money(NamedTuple):
    """An amount in integer minor units together with its currency's exponent."""

    minor: int
    exponent: int

    def __str__(self) -> str:
        """Return the amount as a decimal string with the currency's decimals."""
        minor, exponent = self
        if exponent == 2 and minor >= 0:
            # The common case inline (reads format thousands); %-formatting of divmod's pair
            # measured about a quarter faster than an f-string of its parts.
            return "%d.%02d" % divmod(minor, 100)  # noqa: UP031
        return format_amount(minor, exponent)


def parse_percentage(value: str | int, *, field: str | list[str]) -> Decimal:
    """Return `value` as an exact Decimal percentage in (0, 100] with at most 4 decimals."""
    scaled = _scaled(
        value, places=PERCENTAGE_DECIMALS, code=ErrorCode.INVALID, field=field, noun="Percentage"
    )
    if not 0 < scaled <= 100 * 10**PERCENTAGE_DECIMALS:
        raise DomainError(
            ErrorCode.INVALID, field, "Percentage must be greater than 0 and at most 100."
        )
    return Decimal(value)


def split_by_weights(total: int, weights: Sequence[int | Decimal]) -> list[int]:
    """Return `total` split in proportion to `weights` by the largest-remainder method."""
    if total < 0:
        raise ValueError("total must not be negative")
    exact = [Fraction(weight) for weight in weights]
    if not exact:
        raise ValueError("weights must not be empty")
    if any(weight < 0 for weight in exact):
        raise ValueError("weights must not be negative")
    weight_sum = sum(exact, Fraction(0))
    if weight_sum == 0:
        raise ValueError("weights must not sum to zero")
    shares = [total * weight / weight_sum for weight in exact]
    parts = [share.numerator // share.denominator for share in shares]
    leftover = total - sum(parts)
    # Largest fractional remainder first; ties go to the earlier item.
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - shares[i], i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts


def split_by_percentages(total: int, percentages: Sequence[Decimal]) -> list[int]:
    """Return `total` split by `percentages` (summing to exactly 100) by largest remainder."""
    percentage_sum = sum((Fraction(p) for p in percentages), Fraction(0))
    if percentage_sum != 100:
        raise DomainError(
            ErrorCode.PERCENTAGES_MUST_TOTAL_100,
            "items",
            f"Percentages must add up to exactly 100, not {sum(percentages, Decimal(0))}.",
        )
    return split_by_weights(total, percentages)


def checked_total(amounts: Iterable[int], *, exponent: int, field: str | list[str]) -> int:
    """Return the sum of `amounts`, refused with INVALID_AMOUNT past the digits an amount may
    have: every stored total then stays below 10**18, and no sum of them overflows 64 bits."""
    total = sum(amounts)
    if total >= 10 ** (MAX_INTEGER_DIGITS + exponent):
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            field,
            f"The total would be too large: at most {MAX_INTEGER_DIGITS} digits before the "
            "decimal point.",
        )
    return total
