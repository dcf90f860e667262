"""The shape suite: documents as real clients send them, ours and PostGraphile's equivalent.

Relay emits named fragments, `__typename`, `... on Node { id }` and connection cursors; Apollo
adds `__typename` to every selection set and uses aliases, variables and @skip/@include; SPAs
look single objects up by id and page through one project's invoices; partners walk the graph.
The peer's document asks the same of PostGraphile 4 over the `pgl` views (bench/peer.py); its
JSON differs in names (nodeId, ...List), so the ratio compares equivalent work, not bytes.

Query fields take only scalar and enum arguments here: list and input-object variables are
measured by the payment mutation (`$input: RecordExternalPaymentInput!` holds a list).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.queries import PEER_S2, S2


@dataclass(frozen=True)
class Ids:
    """Ids from the dataset that the shapes look up (the middle project and its objects)."""

    account: str
    project: str
    other_project: str
    invoice: str
    payment: str
    # PostGraphile's global ids of the same project and invoice, read from the peer.
    peer_project_node: str = ""
    peer_invoice_node: str = ""


@dataclass(frozen=True)
class Shape:
    name: str
    query: str
    peer_query: str

    def variables(self, ids: Ids) -> dict[str, Any]:
        return _variables(ids, self.query, peer=False)

    def peer_variables(self, ids: Ids) -> dict[str, Any]:
        return _variables(ids, self.peer_query, peer=True)


def _variables(ids: Ids, query: str, *, peer: bool) -> dict[str, Any]:
    """Return the values of the variables a document declares, from the same ids."""
    values: dict[str, Any] = {
        "$project:": ids.project,
        "$other:": ids.other_project,
        "$invoice:": ids.invoice,
        "$payment:": ids.payment,
        "$account:": ids.account,
        "$first:": 20,
        "$withBalance:": True,
        "$skipMilestones:": False,
        "$status:": "PAID",
        "$node:": ids.peer_project_node if peer else ids.project,
        "$invoiceNode:": ids.peer_invoice_node if peer else ids.invoice,
    }
    return {k[1:-1]: v for k, v in values.items() if k in query.replace(" ", "")}


RELAY_PROJECTS = """query ProjectsPageQuery($first: Int!, $withBalance: Boolean!) {
  projects(first: $first) { ...ProjectsPage_projects }
}
fragment ProjectsPage_projects on ProjectConnection {
  totalCount
  edges { cursor node { __typename ...ProjectRow_project ... on Node { id } } }
  pageInfo { endCursor hasNextPage }
}
fragment ProjectRow_project on Project {
  id name clientName currency
  balance @include(if: $withBalance) { invoicedAmount paidAmount outstandingAmount }
}"""

PEER_RELAY_PROJECTS = """query ProjectsPageQuery($first: Int!, $withBalance: Boolean!) {
  projects: allProjects(first: $first, orderBy: [CREATED_AT_ASC, ID_ASC]) {
    ...ProjectsPage_projects
  }
}
fragment ProjectsPage_projects on ProjectsConnection {
  totalCount
  edges { cursor node { __typename ...ProjectRow_project ... on Node { nodeId } } }
  pageInfo { endCursor hasNextPage }
}
fragment ProjectRow_project on Project {
  id name clientName currency
  balance @include(if: $withBalance) { invoicedAmount paidAmount outstandingAmount }
}"""

APOLLO_PROJECT = """query ProjectDetail(
    $project: ID!, $status: InvoiceStatus, $skipMilestones: Boolean!
) {
  project(id: $project) {
    __typename id title: name client: clientName currency
    balance { __typename invoicedAmount paidAmount outstandingAmount }
    milestones @skip(if: $skipMilestones) { __typename id name amount paid status }
    paid: invoices(first: 10, status: $status) {
      __typename totalCount nodes { __typename id number total }
    }
  }
}"""

PEER_APOLLO_PROJECT = """query ProjectDetail($account: String!, $project: String!,
    $status: String, $skipMilestones: Boolean!) {
  project: projectByAccountIdAndId(accountId: $account, id: $project) {
    __typename id title: name client: clientName currency
    balance { __typename invoicedAmount paidAmount outstandingAmount }
    milestones: milestonesList(orderBy: [POSITION_ASC]) @skip(if: $skipMilestones) {
      __typename id name amount paid status
    }
    paid: invoices(first: 10, orderBy: [CREATED_AT_ASC, ID_ASC], condition: {status: $status}) {
      __typename totalCount nodes { __typename id number total }
    }
  }
}"""

NODE = """query NodeQuery($node: ID!) {
  node(id: $node) { __typename id ... on Project { name currency } }
}"""

PEER_NODE = """query NodeQuery($node: ID!) {
  node(nodeId: $node) { __typename nodeId ... on Project { name currency } }
}"""

NODE_INVOICE = """query InvoiceNode($invoiceNode: ID!) {
  node(id: $invoiceNode) {
    __typename id
    ... on Invoice { number status total lines { description amount } }
    ... on Project { name }
  }
}"""

PEER_NODE_INVOICE = """query InvoiceNode($invoiceNode: ID!) {
  node(nodeId: $invoiceNode) {
    __typename nodeId
    ... on Invoice { number status total lines: linesList(orderBy: [POSITION_ASC]) {
      description amount } }
    ... on Project { name }
  }
}"""

PROJECT = (
    """query Project($project: ID!) { project(id: $project) { id name clientName currency } }"""
)

PEER_PROJECT = """query Project($account: String!, $project: String!) {
  project: projectByAccountIdAndId(accountId: $account, id: $project) {
    id name clientName currency
  }
}"""

INVOICE = """query Invoice($invoice: ID!) { invoice(id: $invoice) { id number status total } }"""

PEER_INVOICE = """query Invoice($account: String!, $invoice: String!) {
  invoice: invoiceByAccountIdAndId(accountId: $account, id: $invoice) { id number status total }
}"""

TWO_PROJECTS = """query Compare($project: ID!, $other: ID!) {
  left: project(id: $project) { ...Figures }
  right: project(id: $other) { ...Figures }
}
fragment Figures on Project { name balance { invoicedAmount paidAmount outstandingAmount } }"""

PEER_TWO_PROJECTS = """query Compare($account: String!, $project: String!, $other: String!) {
  left: projectByAccountIdAndId(accountId: $account, id: $project) { ...Figures }
  right: projectByAccountIdAndId(accountId: $account, id: $other) { ...Figures }
}
fragment Figures on Project { name balance { invoicedAmount paidAmount outstandingAmount } }"""

INVOICES_PAGE = """query InvoicesPage($project: ID!) {
  project(id: $project) {
    name
    invoices(first: 50) {
      totalCount
      nodes {
        id number status total
        lines { description amount milestone { name } }
        allocations { id amount createdAt payment { id method } }
      }
    }
  }
}"""

PEER_INVOICES_PAGE = """query InvoicesPage($account: String!, $project: String!) {
  project: projectByAccountIdAndId(accountId: $account, id: $project) {
    name
    invoices(first: 50, orderBy: [CREATED_AT_ASC, ID_ASC]) {
      totalCount
      nodes {
        id number status total
        lines: linesList(orderBy: [POSITION_ASC]) { description amount milestone: id }
        allocations: allocationsList(orderBy: [CREATED_AT_ASC, ID_ASC]) {
          id amount createdAt payment { id method }
        }
      }
    }
  }
}"""

PAYMENT = """query Payment($payment: ID!) {
  payment(id: $payment) { id method allocations { amount invoice { number status } } }
}"""

PEER_PAYMENT = """query Payment($account: String!, $payment: String!) {
  payment: paymentByAccountIdAndId(accountId: $account, id: $payment) {
    id method allocations: allocationsList { amount invoice { number status } }
  }
}"""

ROOT_CONNECTION = """query Projects($first: Int) {
  projects(first: $first) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name } }
  }
}"""

PEER_ROOT_CONNECTION = """query Projects($first: Int) {
  projects: allProjects(first: $first, orderBy: [CREATED_AT_ASC, ID_ASC]) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name } }
  }
}"""

TYPENAME = "{ __typename }"

SHAPES: tuple[Shape, ...] = (
    Shape("relay projects", RELAY_PROJECTS, PEER_RELAY_PROJECTS),
    Shape("apollo project detail", APOLLO_PROJECT, PEER_APOLLO_PROJECT),
    Shape("node(id:) project", NODE, PEER_NODE),
    Shape("node(id:) invoice", NODE_INVOICE, PEER_NODE_INVOICE),
    Shape("project(id:)", PROJECT, PEER_PROJECT),
    Shape("invoice(id:)", INVOICE, PEER_INVOICE),
    Shape("payment(id:)", PAYMENT, PEER_PAYMENT),
    Shape("two projects, aliases", TWO_PROJECTS, PEER_TWO_PROJECTS),
    Shape("invoices page", INVOICES_PAGE, PEER_INVOICES_PAGE),
    Shape("deep graph", S2, PEER_S2),
    Shape("root connection", ROOT_CONNECTION, PEER_ROOT_CONNECTION),
    Shape("__typename", TYPENAME, TYPENAME),
)
