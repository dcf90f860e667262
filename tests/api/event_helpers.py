"""Reading the events feed in tests: everything after a cursor, page by page."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import USER_ERRORS
from tests.conftest import Api

EVENTS = """
query($after: String, $first: Int, $types: [String!], $objectId: ID) {
  events(first: $first, after: $after, types: $types, objectId: $objectId) {
    edges { cursor node { id type objectId occurredAt data } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""


async def events_after(
    api: Api, after: str | None = None, **filters: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """Return every event after the cursor (all pages), and the cursor to poll from next."""
    found: list[dict[str, Any]] = []
    while True:
        data = await api.gql(EVENTS, {"after": after, "first": 100, **filters}, key="read")
        page = data["events"]
        found += [edge["node"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"] or after
        if not page["pageInfo"]["hasNextPage"]:
            return found, after


PAYMENT = "payment { id allocations { id } }"


def mutation_document(name: str, payload: str) -> str:
    """Return a mutation document taking `$input` and selecting `payload` and userErrors."""
    input_type = name[0].upper() + name[1:] + "Input"
    return f"""mutation($input: {input_type}!) {{
      {name}(input: $input) {{ {payload} {USER_ERRORS} }} }}"""
