"""The per-request loaders of credit notes, their lines and refunds."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from db.queries import credit_notes
from resolvers.dataloader import DataLoader
from resolvers.views.credit_notes import (
    CreditApplicationView,
    CreditNoteLineView,
    CreditNoteView,
    RefundView,
)


class CreditLoaders:
    """Mixed into Loaders, whose _by_id and _grouped these use."""

    _by_id: Callable[..., Any]
    _grouped: Callable[..., Any]

    @cached_property
    def credit_note(self) -> DataLoader[str, CreditNoteView | None]:
        return self._by_id(credit_notes.notes_by_ids, CreditNoteView.from_row)

    @cached_property
    def credit_notes_by_invoice(self) -> DataLoader[str, list[CreditNoteView]]:
        return self._grouped(
            credit_notes.notes_by_invoice_ids, "invoice_ids", CreditNoteView.from_row, "invoice_id"
        )

    @cached_property
    def credit_note_lines(self) -> DataLoader[str, list[CreditNoteLineView]]:
        return self._grouped(
            credit_notes.lines_by_note_ids,
            "note_ids",
            CreditNoteLineView.from_row,
            "credit_note_id",
        )

    @cached_property
    def refund(self) -> DataLoader[str, RefundView | None]:
        return self._by_id(credit_notes.refunds_by_ids, RefundView.from_row)

    @cached_property
    def refunds_by_payment(self) -> DataLoader[str, list[RefundView]]:
        return self._grouped(
            credit_notes.refunds_by_payment_ids, "payment_ids", RefundView.from_row, "payment_id"
        )

    @cached_property
    def refunds_by_note(self) -> DataLoader[str, list[RefundView]]:
        return self._grouped(
            credit_notes.refunds_by_note_ids, "note_ids", RefundView.from_row, "credit_note_id"
        )

    @cached_property
    def credit_applications(self) -> DataLoader[str, list[CreditApplicationView]]:
        return self._grouped(
            credit_notes.applications_by_note_ids,
            "note_ids",
            CreditApplicationView.from_row,
            "credit_note_id",
        )
