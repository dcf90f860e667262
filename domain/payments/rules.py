"""Pure payment rules: methods, processor transaction ids, attrs, and how a paid invoice's
money is split across its milestone lines."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.errors import DomainError, ErrorCode
from domain.money import split_by_weights
from domain.validation import exact_json

MAX_ATTRS_LENGTH = 255
TRANSACTION_ID = re.compile(r"txn_[A-Za-z0-9]+")


class PaymentMethod(StrEnum):
    CASH = "CASH"
    CHECK = "CHECK"
    WIRE = "WIRE"
    ACH = "ACH"
    CARD = "CARD"
    OTHER = "OTHER"


EXTERNAL_METHODS = (
    PaymentMethod.CASH,
    PaymentMethod.CHECK,
    PaymentMethod.WIRE,
    PaymentMethod.ACH,
    PaymentMethod.OTHER,
)


def check_transaction_id(*, external: bool, transaction_id: str | None) -> str | None:
    """Return the transaction id a payment of this kind may carry (None for external ones)."""
    if external:
        if transaction_id is not None:
            raise DomainError(
                ErrorCode.TRANSACTION_ID_NOT_ALLOWED,
                "transactionId",
                "An external payment has no processor transaction id.",
            )
        return None
    if not transaction_id:
        raise DomainError(
            ErrorCode.TRANSACTION_ID_REQUIRED,
            "transactionId",
            "A processor payment needs its transaction id (txn_...).",
        )
    if not TRANSACTION_ID.fullmatch(transaction_id) or len(transaction_id) > 100:
        raise DomainError(
            ErrorCode.INVALID,
            "transactionId",
            "A transaction id looks like txn_ and letters/digits.",
        )
    return transaction_id


def check_method(*, external: bool, method: str) -> PaymentMethod:
    """Return the method; external payments are cash, check, wire, ACH or other."""
    value = PaymentMethod(method)
    if external and value not in EXTERNAL_METHODS:
        raise DomainError(
            ErrorCode.INVALID, "method", "Card payments come from a processor: use recordPayment."
        )
    return value


def serialize_attrs(attrs: Any, *, field: str = "attrs") -> str | None:
    """Return attrs as compact JSON, refusing anything but an object of at most 255 characters."""
    if attrs is None:
        return None
    if not isinstance(attrs, Mapping):
        raise DomainError(ErrorCode.INVALID, field, "attrs must be a JSON object.")
    exact_json(attrs, field=field)  # or a retry could not tell what was stored
    text = json.dumps(attrs, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    if len(text) > MAX_ATTRS_LENGTH:
        raise DomainError(
            ErrorCode.ATTRS_TOO_LONG,
            field,
            f"attrs is {len(text)} characters serialized; at most {MAX_ATTRS_LENGTH}.",
        )
    return text


@dataclass(frozen=True)
class MilestoneLine:
    milestone_id: str
    amount: int


def distributable_amount(*, total: int, free_lines: int) -> int:
    """Return what the milestone lines share: the invoice total less its free lines (and what
    credit notes credited), never below 0: a credit line naming no milestone can credit more
    than the free lines, and then leaves the milestone lines nothing."""
    return max(total - free_lines, 0)


def proportional_distribution(*, total: int, lines: Sequence[MilestoneLine]) -> dict[str, int]:
    """Return each milestone's share of `total`, in proportion to its line (largest remainder)."""
    if not lines:
        return {}
    weights = [max(line.amount, 0) for line in lines]
    if not any(weights):  # every line credited in full: nothing of the payment is theirs
        return {line.milestone_id: 0 for line in lines}
    shares = split_by_weights(max(total, 0), weights)
    return {line.milestone_id: share for line, share in zip(lines, shares, strict=True)}
