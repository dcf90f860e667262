"""Tests for domain.money: parsing, formatting and largest-remainder splits."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.errors import DomainError, ErrorCode
from domain.money import (
    CURRENCY_EXPONENTS,
    Money,
    currency_exponent,
    format_amount,
    parse_amount,
    parse_percentage,
    split_by_percentages,
    split_by_weights,
)

USD = CURRENCY_EXPONENTS["USD"]
JPY = CURRENCY_EXPONENTS["JPY"]


def usd(text: str) -> int:
    return parse_amount(text, exponent=USD, field="amount")


def pcts(*values: str) -> list[Decimal]:
    return [parse_percentage(v, field="percentage") for v in values]


# --- worked examples (DESIGN.md section 6) ---------------------------------------------------


@pytest.mark.parametrize(
    ("total", "percentages", "expected"),
    [
        ("10000.00", ["25", "25", "25", "25"], ["2500.00"] * 4),
        ("33000.00", ["50", "50"], ["16500.00", "16500.00"]),
        ("27000.00", ["20", "30", "50"], ["5400.00", "8100.00", "13500.00"]),
        ("100.00", ["33.33", "33.33", "33.34"], ["33.33", "33.33", "33.34"]),
        ("10000.00", ["30", "40", "30"], ["3000.00", "4000.00", "3000.00"]),
    ],
)
def test_worked_examples_usd(total: str, percentages: list[str], expected: list[str]) -> None:
    parts = split_by_percentages(usd(total), pcts(*percentages))
    assert [format_amount(p, USD) for p in parts] == expected
    assert sum(parts) == usd(total)


def test_worked_example_jpy_percentages() -> None:
    total = parse_amount("1000", exponent=JPY, field="amount")
    parts = split_by_percentages(total, pcts("33.33", "33.33", "33.34"))
    assert [format_amount(p, JPY) for p in parts] == ["333", "333", "334"]


def test_worked_example_jpy_equal_weights_ties_go_to_earlier_item() -> None:
    assert split_by_weights(1000, [1, 1, 1]) == [334, 333, 333]


def test_worked_example_proportional_to_line_amounts() -> None:
    # 1,000 JPY distributed over three equal lines of 500 JPY each.
    assert split_by_weights(1000, [500, 500, 500]) == [334, 333, 333]


# --- currencies --------------------------------------------------------------------------------


def test_currency_table() -> None:
    assert len(CURRENCY_EXPONENTS) >= 25
    expected = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3}
    expected |= {"JOD": 3, "OMR": 3, "TND": 3, "CLP": 0, "ISK": 0, "VND": 0, "HUF": 2}
    for code in ["CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "INR"]:
        expected[code] = 2
    for code in ["CNY", "HKD", "SGD", "MXN", "BRL", "ZAR"]:
        expected[code] = 2
    for code, exponent in expected.items():
        assert currency_exponent(code) == exponent


@pytest.mark.parametrize("code", ["usd", "Usd", "US", "USDX", "XXX", "", " USD", "ABC"])
def test_unknown_currency_rejected(code: str) -> None:
    with pytest.raises(DomainError) as info:
        currency_exponent(code, field=["input", "currency"])
    assert info.value.code is ErrorCode.INVALID_CURRENCY
    assert info.value.field == ["input", "currency"]
    assert "ISO 4217" in info.value.message


def test_unknown_currency_default_field() -> None:
    with pytest.raises(DomainError) as info:
        currency_exponent("ZZZ")
    assert info.value.field == ["currency"]


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "exponent", "expected"),
    [
        ("16500", 2, 1650000),
        ("16500.0", 2, 1650000),
        ("16500.00", 2, 1650000),
        ("0.01", 2, 1),
        ("5400", 0, 5400),
        ("1.000", 3, 1000),
        ("0.001", 3, 1),
        ("007.50", 2, 750),
        (16500, 2, 1650000),
        (5400, 0, 5400),
        ("999999999999999.99", 2, 99999999999999999),
        ("999999999999999", 0, 999999999999999),
    ],
)
def test_parse_amount_accepts(value: str | int, exponent: int, expected: int) -> None:
    assert parse_amount(value, exponent=exponent, field="amount") == expected


@pytest.mark.parametrize("value", ["0", "0.00", 0])
def test_parse_amount_zero_allowed_when_asked(value: str | int) -> None:
    assert parse_amount(value, exponent=2, field="amount", allow_zero=True) == 0


AMOUNT_REJECTIONS = [
    # (value, exponent, words expected in the message)
    ("", 2, "empty"),
    ("   ", 2, "empty"),
    ("-5.00", 2, "negative"),
    ("-0", 2, "greater than zero"),  # a sign on zero is still zero
    (-5, 2, "negative"),
    ("0", 2, "greater than zero"),
    ("0.00", 2, "greater than zero"),
    (0, 2, "greater than zero"),
    ("NaN", 2, "NaN"),
    ("nan", 2, "NaN"),
    ("-NaN", 2, "NaN"),
    ("sNaN", 2, "NaN"),
    ("Infinity", 2, "Infinity"),
    ("-Infinity", 2, "Infinity"),
    ("inf", 2, "Infinity"),
    ("+inf", 2, "Infinity"),
    ("1e3", 2, "exponent"),
    ("1E-2", 2, "exponent"),
    ("1.5e+2", 2, "exponent"),
    ("16500.001", 2, "the currency allows at most 2"),
    ("1.0000", 3, "at most 3"),
    ("5400.5", 0, "whole number"),
    ("5400.0", 0, "whole number"),
    ("1000000000000000", 0, "15 digits"),
    ("1000000000000000.00", 2, "15 digits"),
    (10**15, 2, "15 digits"),
    ("10,000.00", 2, "thousands separators"),
    ("10_000", 2, "thousands separators"),
    ("10 000", 2, "thousands separators"),
    ("10'000", 2, "thousands separators"),
    ("+5", 2, "'+' sign"),
    (" 5", 2, "spaces"),
    ("5 ", 2, "spaces"),
    ("5\n", 2, "spaces"),
    (".5", 2, "both sides"),
    ("5.", 2, "both sides"),
    ("-", 2, "decimal number"),
    ("abc", 2, "decimal number"),
    ("1.2.3", 2, "decimal number"),
    ("$5", 2, "decimal number"),
    ("\u0665", 0, "decimal number"),  # ARABIC-INDIC DIGIT FIVE
    (True, 2, "bool"),
    (False, 2, "bool"),
    (16500.0, 2, "a number with a fraction"),
    (0.1, 2, "a number with a fraction"),
    (Decimal("1.00"), 2, "Decimal"),
    (None, 2, "null"),
]


@pytest.mark.parametrize(("value", "exponent", "words"), AMOUNT_REJECTIONS)
def test_parse_amount_rejects(value: object, exponent: int, words: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_amount(value, exponent=exponent, field=["input", "amount"])  # type: ignore[arg-type]
    assert info.value.code is ErrorCode.INVALID_AMOUNT
    assert info.value.field == ["input", "amount"]
    assert words.lower() in info.value.message.lower()


def test_parse_amount_negative_rejected_even_when_zero_allowed() -> None:
    with pytest.raises(DomainError) as info:
        parse_amount("-0.01", exponent=2, field="amount", allow_zero=True)
    assert "negative" in info.value.message
    assert parse_amount("-0.00", exponent=2, field="amount", allow_zero=True) == 0


def test_parse_amount_never_rounds() -> None:
    with pytest.raises(DomainError):
        parse_amount("0.005", exponent=2, field="amount")
    with pytest.raises(DomainError):
        parse_amount("0.999", exponent=2, field="amount")


# --- formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "exponent", "expected"),
    [
        (1650000, 2, "16500.00"),
        (5400, 0, "5400"),
        (-5, 2, "-0.05"),
        (1000, 3, "1.000"),
        (1, 3, "0.001"),
        (0, 0, "0"),
        (0, 2, "0.00"),
        (-1234, 0, "-1234"),
        (99, 2, "0.99"),
    ],
)
def test_format_amount(minor: int, exponent: int, expected: str) -> None:
    assert format_amount(minor, exponent) == expected


def test_money_str_and_tuple() -> None:
    money = Money(1650000, 2)
    assert str(money) == "16500.00"
    assert str(Money(5400, 0)) == "5400"
    assert money == (1650000, 2)
    assert money.minor == 1650000 and money.exponent == 2


exponents = st.sampled_from([0, 2, 3])


@given(exponents, st.data())
def test_parse_format_round_trip(exponent: int, data: st.DataObject) -> None:
    minor = data.draw(st.integers(min_value=1, max_value=10 ** (15 + exponent) - 1))
    text = format_amount(minor, exponent)
    assert parse_amount(text, exponent=exponent, field="amount") == minor
    assert str(Money(minor, exponent)) == text


@given(exponents, st.integers(min_value=-(10**20), max_value=10**20))
def test_format_is_exact(exponent: int, minor: int) -> None:
    assert Decimal(format_amount(minor, exponent)) == Decimal(minor).scaleb(-exponent)


# --- percentages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("25", "25"), ("33.33", "33.33"), ("0.0001", "0.0001"), ("100", "100"), ("100.0000", "100"),
     (50, "50"), ("12.5", "12.5")],
)  # fmt: skip
def test_parse_percentage_accepts(value: str | int, expected: str) -> None:
    assert parse_percentage(value, field="percentage") == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("0", "greater than 0"),
        ("0.0000", "greater than 0"),
        (0, "greater than 0"),
        ("-5", "greater than 0"),
        ("100.0001", "at most 100"),
        ("101", "at most 100"),
        (101, "at most 100"),
        ("12.34567", "at most 4"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("1e2", "exponent"),
        ("", "empty"),
        (" 5", "spaces"),
        ("+5", "'+' sign"),
        (".5", "both sides"),
        ("5.", "both sides"),
        ("1,5", "thousands separators"),
        ("ten", "decimal number"),
        (12.5, "a number with a fraction"),
        (True, "bool"),
    ],
)
def test_parse_percentage_rejects(value: object, words: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_percentage(value, field=["items", "0", "percentage"])  # type: ignore[arg-type]
    assert info.value.code is ErrorCode.INVALID
    assert info.value.field == ["items", "0", "percentage"]
    assert words.lower() in info.value.message.lower()


@pytest.mark.parametrize(
    "percentages", [["50", "49.99"], ["50", "50.01"], ["100", "0.0001"], ["33.33"] * 3]
)
def test_split_by_percentages_requires_exactly_100(percentages: list[str]) -> None:
    with pytest.raises(DomainError) as info:
        split_by_percentages(10000, pcts(*percentages))
    assert info.value.code is ErrorCode.PERCENTAGES_MUST_TOTAL_100
    assert info.value.field == ["items"]
    assert "100" in info.value.message


def test_split_by_percentages_empty_list_rejected() -> None:
    with pytest.raises(DomainError) as info:
        split_by_percentages(10000, [])
    assert info.value.code is ErrorCode.PERCENTAGES_MUST_TOTAL_100


# --- splitting: errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights"),
    [(100, []), (100, [1, -1, 2]), (100, [0, 0]), (100, [Decimal(0)]), (-1, [1, 1])],
)
def test_split_by_weights_rejects(total: int, weights: list[int | Decimal]) -> None:
    with pytest.raises(ValueError):
        split_by_weights(total, weights)


def test_split_by_weights_examples() -> None:
    assert split_by_weights(0, [1, 2]) == [0, 0]
    assert split_by_weights(10, [0, 1]) == [0, 10]
    assert split_by_weights(1, [1, 1, 1]) == [1, 0, 0]
    assert split_by_weights(2, [1, 1, 1]) == [1, 1, 0]
    assert split_by_weights(100, [Decimal("0.5"), Decimal("0.25"), 0]) == [67, 33, 0]
    assert split_by_weights(1, [1, 2]) == [0, 1]  # larger remainder wins over earlier item


# --- splitting: properties -----------------------------------------------------------------------

totals = st.integers(min_value=0, max_value=10**18)
int_weights = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=50)
decimal_weights = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=50,
)


def check_largest_remainder(total: int, weights: list[int | Decimal], parts: list[int]) -> None:
    """Assert `parts` is exactly the largest-remainder split of `total` by `weights`."""
    assert len(parts) == len(weights)
    assert sum(parts) == total
    weight_sum = sum(Fraction(w) for w in weights)
    shares = [total * Fraction(w) / weight_sum for w in weights]
    floors = [share.numerator // share.denominator for share in shares]
    bumped = []
    for part, floor in zip(parts, floors, strict=True):
        assert part in (floor, floor + 1)
        bumped.append(part == floor + 1)
    remainders = [share - floor for share, floor in zip(shares, floors, strict=True)]
    for i, got_unit in enumerate(bumped):
        for j, other_got_unit in enumerate(bumped):
            if got_unit and not other_got_unit:
                # A unit never goes to a smaller remainder, nor to a later item on a tie.
                assert remainders[i] > remainders[j] or (remainders[i] == remainders[j] and i < j)


@given(totals, int_weights)
def test_split_by_int_weights_is_largest_remainder(total: int, weights: list[int]) -> None:
    assume(sum(weights) > 0)
    check_largest_remainder(total, list(weights), split_by_weights(total, weights))


@given(totals, decimal_weights)
def test_split_by_decimal_weights_is_largest_remainder(total: int, weights: list[Decimal]) -> None:
    assume(sum(weights) > 0)
    check_largest_remainder(total, list(weights), split_by_weights(total, weights))


@given(totals, st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=60))
def test_equal_weights_give_non_increasing_parts(total: int, weight: int, count: int) -> None:
    parts = split_by_weights(total, [weight] * count)
    assert sum(parts) == total
    assert parts == sorted(parts, reverse=True)
    assert max(parts) - min(parts) <= 1


@st.composite
def percentages_summing_to_100(draw: st.DrawFn) -> list[Decimal]:
    """Between 1 and 50 positive percentages with up to 4 decimals that add up to exactly 100."""
    count = draw(st.integers(min_value=1, max_value=50))
    cuts = draw(
        st.lists(
            st.integers(min_value=1, max_value=10**6 - 1),
            min_size=count - 1,
            max_size=count - 1,
            unique=True,
        )
    )
    bounds = [0, *sorted(cuts), 10**6]
    return [Decimal(b - a).scaleb(-4) for a, b in zip(bounds, bounds[1:], strict=False)]


@given(totals, percentages_summing_to_100())
def test_percentages_summing_to_100_always_split_exactly(
    total: int, percentages: list[Decimal]
) -> None:
    assert sum(percentages) == 100
    parts = split_by_percentages(total, percentages)
    assert sum(parts) == total
    check_largest_remainder(total, list(percentages), parts)


@given(st.integers(min_value=0, max_value=10**12), percentages_summing_to_100())
def test_percentage_split_is_exact_when_shares_are_whole(
    units: int, percentages: list[Decimal]
) -> None:
    total = units * 10**6  # every share total * p / 100 is then a whole number of minor units
    parts = split_by_percentages(total, percentages)
    assert parts == [int(total * Fraction(p) / 100) for p in percentages]


@given(totals, percentages_summing_to_100())
def test_percentage_strings_round_trip_through_parse(
    total: int, percentages: list[Decimal]
) -> None:
    parsed = [parse_percentage(str(p), field="percentage") for p in percentages]
    assert split_by_percentages(total, parsed) == split_by_percentages(total, percentages)
