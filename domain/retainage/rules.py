"""Pure retainage rules: the percentage, what an invoice withholds, each line's share of it,
what each line bills net of
the discount, and what a credit note on a line leaves withheld."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from domain.errors import DomainError, ErrorCode

# _scaled is money.py's exact decimal reader, shared so a percentage is refused like an amount.
from domain.money import _scaled, split_by_weights

# The percentage is kept in hundredths of a percent (basis points): 10.00% is 1000.
MAX_BASIS_POINTS = 50 * 100


def parse_retainage_percentage(value: object, *, field: str = "retainagePercentage") -> int:
    """Return the percentage (a decimal string, 0 to 50, at most two decimals) in basis points."""
    points = _scaled(value, places=2, code=ErrorCode.INVALID, field=field, noun="Percentage")
    if not 0 <= points <= MAX_BASIS_POINTS:
        raise DomainError(
            ErrorCode.INVALID, field, "The retainage percentage must be between 0 and 50."
        )
    return points


def format_percentage(basis_points: int) -> str:
    """Return basis points as the percentage with two decimals: 1000 is "10.00"."""
    return f"{basis_points // 100}.{basis_points % 100:02d}"


def _half_even(value: Fraction) -> int:
    """Return a non-negative `value` rounded to a whole number, ties to the even one."""
    floor = value.numerator // value.denominator
    rest = value - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2):
        return floor + 1
    return floor


def withheld_amount(*, milestone_lines: int, basis_points: int) -> int:
    """Return the retainage of an invoice whose milestone lines add up to `milestone_lines`
    minor units: the percentage of them, rounded half-even to the minor unit."""
    return _half_even(Fraction(milestone_lines * basis_points, 100 * 100))


def line_shares(*, retainage: int, line_amounts: Sequence[int]) -> list[int]:
    """Return each milestone line's share of the invoice's retainage, in proportion to its
    amount by the largest-remainder rule: the shares add up to the retainage exactly."""
    if not line_amounts or not any(line_amounts):
        return [0 for _ in line_amounts]
    return split_by_weights(retainage, list(line_amounts))


def billed_by_lines(*, discount: int, lines: Sequence[tuple[int, int]]) -> list[int]:
    """Return what each milestone line really bills, given (amount, retainage share) per line in
    position order: its amount less its part of the invoice's `discount`. The discount is split
    by the largest-remainder rule in proportion to what each line leaves due now (amount less
    share), as it comes out of that (domain/retainage/withhold.py), so no line's part of the
    discount and its share together exceed its amount."""
    weights = [amount - share for amount, share in lines]
    if not discount or not any(weights):
        return [amount for amount, _ in lines]
    parts = split_by_weights(discount, weights)
    return [amount - part for (amount, _), part in zip(lines, parts, strict=True)]


def kept_after_credit(*, share: int, billed: int, credited: int) -> int:
    """Return what stays withheld of a line's retainage `share` once credit notes credit
    `credited` of what the line `billed` (billed_by_lines): the share in proportion to what the
    line still bills, rounded half-even (all of it with no credit, none once the line is
    credited to its creditable maximum)."""
    if billed <= 0 or credited >= billed:
        return 0
    return _half_even(Fraction(share * (billed - credited), billed))
