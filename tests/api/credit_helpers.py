"""Sending the credit note and refund mutations, shared by their tests."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import USER_ERRORS
from tests.conftest import Api

NOTE_FIELDS = """
id number amount appliedAmount unappliedAmount refundedAmount currency reason status
invoice { id status amountPaid creditedAmount balanceDue } client { id }
lines { description amount milestone { id } }
"""
REFUND_FIELDS = "id amount reason refundedOn payment { id } creditNote { id }"
CREATE_NOTE = f"""
mutation($input: CreateCreditNoteInput!) {{
  createCreditNote(input: $input) {{ creditNote {{ {NOTE_FIELDS} }} {USER_ERRORS} }}
}}"""
APPLY_NOTE = f"""
mutation($input: ApplyCreditNoteInput!) {{
  applyCreditNote(input: $input) {{ creditNote {{ {NOTE_FIELDS} }} {USER_ERRORS} }}
}}"""
VOID_NOTE = f"""
mutation($input: VoidCreditNoteInput!) {{
  voidCreditNote(input: $input) {{ creditNote {{ {NOTE_FIELDS} voidedAt }} {USER_ERRORS} }}
}}"""
REFUND_PAYMENT = f"""
mutation($input: RefundPaymentInput!) {{
  refundPayment(input: $input) {{ refund {{ {REFUND_FIELDS} }} {USER_ERRORS} }}
}}"""
REFUND_NOTE = f"""
mutation($input: RefundCreditNoteInput!) {{
  refundCreditNote(input: $input) {{ refund {{ {REFUND_FIELDS} }} {USER_ERRORS} }}
}}"""
NOTE = f"query($id: ID!) {{ creditNote(id: $id) {{ {NOTE_FIELDS} refunds {{ id amount }} }} }}"


def line(amount: str, description: str | None = "Overbilled", **fields: Any) -> dict[str, Any]:
    return {"amount": amount, "description": description, **fields}


async def _send(api: Api, document: str, name: str, **input_: Any) -> dict[str, Any]:
    return dict((await api.gql(document, {"input": input_}))[name])


async def try_credit(api: Api, invoice_id: str, *lines: dict[str, Any], **fields: Any) -> Any:
    fields.setdefault("reason", "Billed twice")
    return await _send(
        api, CREATE_NOTE, "createCreditNote", invoiceId=invoice_id, lines=list(lines), **fields
    )


async def credit(api: Api, invoice_id: str, *lines: dict[str, Any], **fields: Any) -> Any:
    payload = await try_credit(api, invoice_id, *lines, **fields)
    assert payload["userErrors"] == [], payload
    return payload["creditNote"]


async def try_apply_note(api: Api, note_id: str, *allocations: dict[str, Any]) -> Any:
    return await _send(
        api, APPLY_NOTE, "applyCreditNote", creditNoteId=note_id, allocations=list(allocations)
    )


async def try_void_note(api: Api, note_id: str) -> Any:
    return await _send(api, VOID_NOTE, "voidCreditNote", creditNoteId=note_id)


async def try_refund_payment(api: Api, payment_id: str, amount: str, reason: str = "Asked") -> Any:
    return await _send(
        api, REFUND_PAYMENT, "refundPayment", paymentId=payment_id, amount=amount, reason=reason
    )


async def try_refund_note(api: Api, note_id: str, amount: str, reason: str = "Asked") -> Any:
    return await _send(
        api, REFUND_NOTE, "refundCreditNote", creditNoteId=note_id, amount=amount, reason=reason
    )


async def note_of(api: Api, note_id: str) -> Any:
    return (await api.gql(NOTE, {"id": note_id}))["creditNote"]
