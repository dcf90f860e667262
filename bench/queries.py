"""The GraphQL documents of the scenarios, ours and PostGraphile's equivalents."""

from __future__ import annotations

from typing import Any

S1_FIRST = 50
S2_FIRST = 20
S2_INVOICES = 20
S4_INVOICES = 20

S1 = f"""query S1 {{
  projects(first: {S1_FIRST}) {{
    nodes {{
      name
      balance {{ invoicedAmount paidAmount outstandingAmount }}
      milestones {{ name amount amountPaid paid status }}
    }}
  }}
}}"""

S2 = f"""query S2 {{
  projects(first: {S2_FIRST}) {{
    nodes {{
      name
      milestones {{ name amount }}
      invoices(first: {S2_INVOICES}) {{
        nodes {{
          number status total
          lines {{ description amount }}
          allocations {{ amount payment {{ method }} }}
        }}
      }}
    }}
  }}
}}"""

S4 = f"""query S4($id: ID!) {{
  project(id: $id) {{
    balance {{ invoicedAmount paidAmount outstandingAmount overdueAmount unbilledAmount }}
    invoices(first: {S4_INVOICES}) {{ totalCount nodes {{ number total balanceDue }} }}
  }}
}}"""

PAY = """mutation Pay($input: RecordExternalPaymentInput!) {
  recordExternalPayment(input: $input) {
    payment { id amount }
    userErrors { code message }
  }
}"""

# PostGraphile 4 over the `pgl` schema (bench/peer.py): aliases give the same JSON shape.
PEER_S1 = f"""query S1 {{
  projects: allProjects(first: {S1_FIRST}, orderBy: [CREATED_AT_ASC, ID_ASC]) {{
    nodes {{
      name
      balance {{ invoicedAmount paidAmount outstandingAmount }}
      milestones: milestonesList(orderBy: [POSITION_ASC]) {{
        name amount amountPaid paid status
      }}
    }}
  }}
}}"""

PEER_S2 = f"""query S2 {{
  projects: allProjects(first: {S2_FIRST}, orderBy: [CREATED_AT_ASC, ID_ASC]) {{
    nodes {{
      name
      milestones: milestonesList(orderBy: [POSITION_ASC]) {{ name amount }}
      invoices(first: {S2_INVOICES}, orderBy: [CREATED_AT_ASC, ID_ASC]) {{
        nodes {{
          number status total
          lines: linesList(orderBy: [POSITION_ASC]) {{ description amount }}
          allocations: allocationsList(orderBy: [CREATED_AT_ASC, ID_ASC]) {{
            amount payment {{ method }}
          }}
        }}
      }}
    }}
  }}
}}"""


def count_leaves(value: Any) -> int:
    """Return how many leaf values (scalars and nulls) a JSON value holds."""
    if isinstance(value, dict):
        return sum(count_leaves(item) for item in value.values())
    if isinstance(value, list):
        return sum(count_leaves(item) for item in value)
    return 1
