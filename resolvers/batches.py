"""Batch resolvers for the fast query path: one loader call for every parent at a level.

Each entry says which per-request loader a relation field uses and which attribute of the
parent is the key, exactly as the field's own resolver does one parent at a time. Calling the
loader's batch function once for the whole level skips a coroutine and a future per parent.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from resolvers.context import RequestContext
from resolvers.projects import balance_parts

# (GraphQL type, field) -> (loader attribute on Loaders, key attribute(s) on the parent)
BATCHED_FIELDS: dict[tuple[str, str], tuple[str, str | tuple[str, ...]]] = {
    ("Project", "milestones"): ("milestones_by_project", ("id", "currency")),
    ("Project", "balance"): ("balance", "id"),
    ("Project", "invoiceSchedules"): ("schedules_by_project", "id"),
    ("Milestone", "project"): ("project", "project_id"),
    ("Milestone", "invoices"): ("invoices_by_milestone", "id"),
    ("Milestone", "scheduleItem"): ("schedule_item_by_milestone", "id"),
    ("Invoice", "lines"): ("invoice_lines", "id"),
    ("Invoice", "project"): ("project", "project_id"),
    ("Invoice", "progress"): ("invoice_progress", "id"),
    ("Invoice", "allocations"): ("allocations_by_invoice", "id"),
    ("Invoice", "milestoneDistributions"): ("distributions_by_invoice", "id"),
    ("InvoiceLine", "milestone"): ("milestone", "milestone_id"),
    ("InvoiceSchedule", "items"): ("schedule_items", "id"),
    ("InvoiceScheduleItem", "milestone"): ("milestone", "milestone_id"),
    ("InvoiceScheduleItem", "invoice"): ("invoice", "invoice_id"),
    ("Payment", "allocations"): ("allocations_by_payment", "id"),
    ("Allocation", "invoice"): ("invoice", "invoice_id"),
    ("MilestoneDistribution", "milestone"): ("milestone", "milestone_id"),
}


# Relations whose loader key also carries what is selected below the field, exactly as the
# field's own resolver builds it: (GraphQL type, field) -> key part from the selected names.
SELECTION_KEYED: dict[tuple[str, str], Callable[[Iterable[str]], Hashable]] = {
    ("Project", "balance"): balance_parts,
}


async def load_for_parents(
    context: RequestContext,
    type_name: str,
    field_name: str,
    parents: Sequence[Any],
    selected: Iterable[str] = (),
) -> list[Any]:
    """Return the field's value for each parent, from one batch call of its loader.

    `selected` names the fields asked for below this one (used by SELECTION_KEYED fields).
    """
    loader_name, key_attributes = BATCHED_FIELDS[(type_name, field_name)]
    if isinstance(key_attributes, str):
        keys = [getattr(parent, key_attributes) for parent in parents]
    else:
        keys = [tuple(getattr(parent, name) for name in key_attributes) for parent in parents]
    selection_key = SELECTION_KEYED.get((type_name, field_name))
    if selection_key is not None:
        part = selection_key(selected)
        keys = [None if key is None else (key, part) for key in keys]
    unique = list(dict.fromkeys(key for key in keys if key is not None))
    if not unique:
        return [None] * len(keys)
    loader = getattr(context.loaders, loader_name)
    values = await loader.load_fn(unique)
    found = dict(zip(unique, values, strict=True))
    return [None if key is None else found[key] for key in keys]
