"""Property tests of the pure schedule rules (domain.schedules.rules), no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.errors import DomainError, ErrorCode
from domain.money import format_amount
from domain.schedules.rules import (
    ItemInput,
    ProcessedPart,
    ScheduleStatus,
    plan_items,
    schedule_status,
)

TOTALS = st.integers(min_value=1, max_value=10**12)
EXPONENTS = st.sampled_from([0, 2, 3])


@st.composite
def parts_of(draw: st.DrawFn, whole: int, *, max_parts: int = 50) -> list[int]:
    """Return positive integers that add up to `whole` (at most `max_parts` of them)."""
    count = draw(st.integers(min_value=1, max_value=min(max_parts, whole)))
    cuts = draw(
        st.lists(
            st.integers(min_value=1, max_value=whole - 1),
            min_size=count - 1,
            max_size=count - 1,
            unique=True,
        )
        if whole > 1
        else st.just([])
    )
    bounds = [0, *sorted(cuts), whole]
    return [high - low for low, high in zip(bounds, bounds[1:], strict=False)]


def percentage_text(basis_points: int) -> str:
    """Return basis points as a percentage with 2 decimals: 3333 -> "33.33"."""
    return f"{basis_points // 100}.{basis_points % 100:02d}"


def percentage_items(basis_points: list[int]) -> list[ItemInput]:
    return [
        ItemInput(name=f"Stage {i}", percentage=percentage_text(bp), trigger=f"t{i}")
        for i, bp in enumerate(basis_points)
    ]


@settings(max_examples=200, deadline=None)
@given(total=TOTALS, exponent=EXPONENTS, basis_points=parts_of(10_000))
def test_percentage_items_add_up_exactly_to_the_total(
    total: int, exponent: int, basis_points: list[int]
) -> None:
    try:
        planned = plan_items(total=total, exponent=exponent, items=percentage_items(basis_points))
    except DomainError as error:
        # The only way a valid percentage list can fail: a share rounds to 0 minor units.
        assert error.code is ErrorCode.ZERO_AMOUNT_ITEM
        assert min(basis_points) * total < 10_000  # some exact share is below one unit
        return
    amounts = [item.amount for item in planned]
    assert sum(amounts) == total
    assert all(amount > 0 for amount in amounts)
    for amount, bp in zip(amounts, basis_points, strict=True):
        # Largest remainder: each amount is its exact share rounded down or up.
        exact = Fraction(total * bp, 10_000)
        assert exact - 1 < amount < exact + 1
    assert [str(item.percentage) for item in planned] == [
        percentage_text(bp) for bp in basis_points
    ]


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=10_000 * 50, max_value=10**12),
    exponent=EXPONENTS,
    basis_points=parts_of(10_000),
)
def test_large_enough_totals_never_round_an_item_to_zero(
    total: int, exponent: int, basis_points: list[int]
) -> None:
    planned = plan_items(total=total, exponent=exponent, items=percentage_items(basis_points))
    assert sum(item.amount for item in planned) == total


@settings(max_examples=200, deadline=None)
@given(data=st.data(), total=TOTALS, exponent=EXPONENTS)
def test_amount_items_are_taken_as_given(data: st.DataObject, total: int, exponent: int) -> None:
    minor = data.draw(parts_of(total))
    items = [
        ItemInput(name=f"Stage {i}", amount=format_amount(m, exponent), trigger=f"t{i}")
        for i, m in enumerate(minor)
    ]
    planned = plan_items(total=total, exponent=exponent, items=items)
    assert [item.amount for item in planned] == minor
    assert sum(item.amount for item in planned) == total
    assert all(item.percentage is None for item in planned)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), total=st.integers(min_value=2, max_value=10**12), exponent=EXPONENTS)
def test_amounts_that_miss_the_total_are_refused(
    data: st.DataObject, total: int, exponent: int
) -> None:
    minor = data.draw(parts_of(total))
    off = data.draw(st.sampled_from([-1, 1]))
    if minor[-1] + off <= 0:
        off = 1
    minor[-1] += off
    items = [
        ItemInput(name=f"S{i}", amount=format_amount(m, exponent), trigger="t")
        for i, m in enumerate(minor)
    ]
    with pytest.raises(DomainError) as caught:
        plan_items(total=total, exponent=exponent, items=items)
    assert caught.value.code is ErrorCode.AMOUNTS_MUST_TOTAL_SCHEDULE


@settings(max_examples=100, deadline=None)
@given(basis_points=parts_of(10_000), extra=st.integers(min_value=-99, max_value=99))
def test_percentages_that_miss_100_are_refused(basis_points: list[int], extra: int) -> None:
    assume(extra != 0 and 0 < basis_points[-1] + extra <= 10_000)
    basis_points[-1] += extra
    with pytest.raises(DomainError) as caught:
        plan_items(total=10**9, exponent=2, items=percentage_items(basis_points))
    assert caught.value.code is ErrorCode.PERCENTAGES_MUST_TOTAL_100


def dates_in_order(run_dates: list[date | None]) -> bool:
    """The rule, written independently: strictly increasing dates, then only undated items."""
    dated = [d for d in run_dates if d is not None]
    first_undated = run_dates.index(None) if None in run_dates else len(run_dates)
    prefix_is_dated = all(d is not None for d in run_dates[:first_undated])
    tail_undated = all(d is None for d in run_dates[first_undated:])
    increasing = all(a < b for a, b in zip(dated, dated[1:], strict=False))
    return prefix_is_dated and tail_undated and increasing


RUN_DATES = st.lists(
    st.one_of(
        st.none(),
        st.integers(min_value=0, max_value=30).map(lambda n: date(2026, 3, 1) + timedelta(n)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(run_dates=RUN_DATES)
def test_run_dates_out_of_order_are_always_refused(run_dates: list[date | None]) -> None:
    items = [
        ItemInput(name=f"S{i}", amount="1.00", run_date=d, trigger="t")
        for i, d in enumerate(run_dates)
    ]
    total = 100 * len(items)
    if dates_in_order(run_dates):
        planned = plan_items(total=total, exponent=2, items=items)
        assert [item.run_date for item in planned] == run_dates
    else:
        with pytest.raises(DomainError) as caught:
            plan_items(total=total, exponent=2, items=items)
        assert caught.value.code is ErrorCode.RUN_DATES_OUT_OF_ORDER
        assert caught.value.field is not None and caught.value.field[-1] == "runDate"


@settings(max_examples=100, deadline=None)
@given(run_dates=RUN_DATES, last=st.integers(min_value=0, max_value=30))
def test_new_dates_must_follow_the_last_processed_one(
    run_dates: list[date | None], last: int
) -> None:
    last_processed = date(2026, 3, 1) + timedelta(last)
    items = [
        ItemInput(name=f"S{i}", amount="1.00", run_date=d, trigger="t")
        for i, d in enumerate(run_dates)
    ]
    done = ProcessedPart(amount=100, by_percentage=False, last_run_date=last_processed)
    valid = dates_in_order([last_processed, *run_dates])
    if valid:
        plan_items(total=100 * (len(items) + 1), exponent=2, items=items, processed=done)
    else:
        with pytest.raises(DomainError) as caught:
            plan_items(total=100 * (len(items) + 1), exponent=2, items=items, processed=done)
        assert caught.value.code is ErrorCode.RUN_DATES_OUT_OF_ORDER


@settings(max_examples=100, deadline=None)
@given(total=TOTALS, processed_bp=st.integers(min_value=1, max_value=9_999), data=st.data())
def test_an_update_splits_what_the_processed_items_left(
    total: int, processed_bp: int, data: st.DataObject
) -> None:
    done_amount = total * processed_bp // 10_000
    assume(0 < done_amount < total)
    rest = data.draw(parts_of(10_000 - processed_bp))
    done = ProcessedPart(
        amount=done_amount,
        percentage=Decimal(percentage_text(processed_bp)),
        by_percentage=True,
    )
    try:
        planned = plan_items(total=total, exponent=2, items=percentage_items(rest), processed=done)
    except DomainError as error:
        assert error.code is ErrorCode.ZERO_AMOUNT_ITEM
        return
    assert done_amount + sum(item.amount for item in planned) == total


def test_examples_of_section_6() -> None:
    def split(total: int, *percentages: str) -> list[int]:
        items = [ItemInput(name="S", percentage=p, trigger="t") for p in percentages]
        return [item.amount for item in plan_items(total=total, exponent=2, items=items)]

    assert split(1_000_000, "25", "25", "25", "25") == [250_000] * 4
    assert split(3_300_000, "50", "50") == [1_650_000] * 2
    assert split(2_700_000, "20", "30", "50") == [540_000, 810_000, 1_350_000]
    assert split(10_000, "33.33", "33.33", "33.34") == [3_333, 3_333, 3_334]
    assert split(1_000, "33.33", "33.33", "33.34") == [333, 333, 334]


@pytest.mark.parametrize(
    ("paused", "processed", "items", "status"),
    [
        (False, 0, 3, ScheduleStatus.PENDING),
        (False, 1, 3, ScheduleStatus.PARTIALLY_PROCESSED),
        (False, 3, 3, ScheduleStatus.FULLY_PROCESSED),
        (True, 0, 3, ScheduleStatus.PAUSED),
        (True, 3, 3, ScheduleStatus.PAUSED),
    ],
)
def test_schedule_status(paused: bool, processed: int, items: int, status: ScheduleStatus) -> None:
    assert schedule_status(paused=paused, processed=processed, items=items) is status
