"""Schemathesis, in its GraphQL mode, against a live `milestone-billing serve`.

The schema is loaded from the running server by introspection (with our key), so a new query or
mutation is fuzzed without touching this file. Every operation gets the same bounded number of
examples, positive (valid GraphQL with random arguments) and negative (documents the schema
must refuse), from a fixed seed. In positive cases most generated ids are replaced by ids of
real objects of the account (so the mutations reach the domain, not only "not found"), and a few
strings by nasty ones (NUL, lone surrogates, characters outside the BMP, 5000 characters,
right-to-left marks, SQL, week dates, 10,000 digits). JSON values (`attrs`) include integers
past 2**53 and 64 bits, text at Unicode's edges and nesting up to 150 levels.

What must never happen: an HTTP 5xx, a body that is not GraphQL JSON, or an error masked as
"Unexpected error." (extensions.code INTERNAL). userErrors and validation errors are fine.
The numbers of the last run are in .cache/reports/fuzz-<backend>.json (gitignored).
"""

from __future__ import annotations

import json
import random
import string
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import graphql
import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

from tests.server.live import Live, write_report
from tests.server.live import graphql as post_graphql

# Per operation: positive cases reach the budget; negative ones run out of distinct documents
# for small inputs sooner (hypothesis stops when it cannot find new ones).
EXAMPLES = {GenerationMode.POSITIVE: 18, GenerationMode.NEGATIVE: 8}
SEED = 20260302
SUBSTITUTE_ID_PROBABILITY = 0.7
MAX_FAILURES_SHOWN = 5

# --- strategies for our custom scalars ------------------------------------------------------

NAME = st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=8)


def _json_ast(value: Any) -> graphql.ValueNode:
    if isinstance(value, dict):
        return nodes.Object(
            [
                graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=_json_ast(v))
                for k, v in value.items()
            ]
        )
    if isinstance(value, list):
        return nodes.List([_json_ast(v) for v in value])
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if value is None:
        return graphql.NullValueNode()
    return nodes.String(value)


# Text at Unicode's edges: characters outside the BMP, lone surrogates (which no UTF-8 can
# carry, sent as JSON's \\ud800 escape), NUL.
EDGE_TEXT = st.text(
    alphabet=st.sampled_from(
        ["a", "\u00e9", "\U0001f4b8", "\U00010000", "\ud800", "\udfff", "\x00"]
    ),
    max_size=6,
)


def nested(depth: int) -> Any:
    """A JSON value `depth` levels deep: lists and objects in turn."""
    value: Any = 1
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)  # past 2**53 and past 64 bits
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | EDGE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NAME, inner, max_size=4),
    max_leaves=12,
) | st.integers(min_value=10, max_value=150).map(nested)  # deep JSON
JSON_NODES = JSON_VALUES.map(_json_ast)

AMOUNT_TEXT = st.one_of(
    st.decimals(
        min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
    ).map(str),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.sampled_from(
        ["0", "0.00", "0.001", "1e3", "-0", "NaN", "Infinity", "1_000", " 5", "", "abc"]
        + ["9" * 40, "0." + "1" * 30, "100", "33.33", "12.345"]
    ),
    st.text(max_size=12),
)
AMOUNT_NODES = st.one_of(
    AMOUNT_TEXT.map(nodes.String),
    st.integers(min_value=-(2**70), max_value=2**70).map(nodes.Int),
    st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    st.booleans().map(nodes.Boolean),
    JSON_NODES,  # lists and objects where an amount belongs
)


def register_scalars() -> None:
    schemathesis.graphql.scalar("Decimal", AMOUNT_NODES)
    schemathesis.graphql.scalar("Percentage", AMOUNT_NODES)
    schemathesis.graphql.scalar("JSON", JSON_NODES)


# --- real ids to substitute ----------------------------------------------------------------

CREATE_PROJECT = """
mutation Seed {
  createProject(input: {name: "Fuzz", clientName: "Fuzz Co", currency: "USD",
                        contractValue: "10000.00"}) {
    project { id }
  }
}"""


def seed_account(live: Live) -> dict[str, list[str]]:
    """Create objects of every kind in the live account; return their ids by kind."""

    def gql(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return post_graphql(live.base_url, live.key, query, variables)

    ids: dict[str, list[str]] = {
        k: [] for k in ("project", "milestone", "schedule", "item", "invoice", "payment")
    }
    ids["allocation"] = []
    for _ in range(2):
        project = gql(CREATE_PROJECT)["createProject"]["project"]["id"]
        ids["project"].append(project)
        milestones = [
            gql(
                "mutation($p: ID!, $n: String!) { addMilestone(input: {projectId: $p, name: $n, "
                'amount: "1000.00"}) { milestone { id } } }',
                {"p": project, "n": f"M{i}"},
            )["addMilestone"]["milestone"]["id"]
            for i in range(3)
        ]
        ids["milestone"] += milestones
        schedule = gql(
            "mutation($p: ID!) { createInvoiceSchedule(input: {projectId: $p, totalAmount: "
            '"4000.00", items: [{name: "A", percentage: "50", runDate: "2026-01-01", '
            'trigger: "a"}, {name: "B", percentage: "50", trigger: "b"}]}) { invoiceSchedule '
            "{ id items { id milestone { id } } } userErrors { code message } } }",
            {"p": project},
        )["createInvoiceSchedule"]
        assert not schedule["userErrors"], schedule
        ids["schedule"].append(schedule["invoiceSchedule"]["id"])
        ids["item"] += [item["id"] for item in schedule["invoiceSchedule"]["items"]]
        ids["milestone"] += [
            item["milestone"]["id"] for item in schedule["invoiceSchedule"]["items"]
        ]
        invoice = gql(
            "mutation($p: ID!, $a: ID!, $b: ID!) { createInvoice(input: {projectId: $p, lines: "
            "[{milestoneId: $a}, {milestoneId: $b}]}) { invoice { id } userErrors { code } } }",
            {"p": project, "a": milestones[0], "b": milestones[1]},
        )["createInvoice"]
        assert not invoice["userErrors"], invoice
        invoice_id = invoice["invoice"]["id"]
        ids["invoice"].append(invoice_id)
        payment = gql(
            "mutation($i: ID!) { recordExternalPayment(input: {method: CHECK, allocations: "
            '[{invoiceId: $i, amount: "500.00"}]}) { payment { id allocations { id } } '
            "userErrors { code } } }",
            {"i": invoice_id},
        )["recordExternalPayment"]
        assert not payment["userErrors"], payment
        ids["payment"].append(payment["payment"]["id"])
        ids["allocation"] += [a["id"] for a in payment["payment"]["allocations"]]
    return ids


def _pool_for(name: str, ids: dict[str, list[str]]) -> list[str]:
    kind = {
        "projectId": "project",
        "milestoneId": "milestone",
        "scheduleId": "schedule",
        "itemId": "item",
        "invoiceId": "invoice",
        "paymentId": "payment",
        "allocationId": "allocation",
    }.get(name)
    if kind is not None:
        return ids[kind]
    return [i for values in ids.values() for i in values]  # `id`: any kind


NASTY_STRINGS = (
    "\u0000",
    "a\u0000b",
    "x" * 5000,
    "   ",
    "'; DROP TABLE project; --",
    "\u202egnp.exe",
    "\U0001f600" * 20,
    "%s%n%x",
    "\\",
    "null",
    "prj_",
    "inv_0000000000000000000000",
    "\ud800",
    "a\udfffb",
    "\U0001f4b8\U00010000",
    "2026-W01-1",
    "20260101",
    "1" * 10_000,
)
NASTY_PROBABILITY = 0.08


def mutate_values(query: Any, ids: dict[str, list[str]], rnd: random.Random) -> Any:
    """Return the query with some `id`/`...Id` values made real ids, some strings made nasty."""
    if not isinstance(query, str):
        return query
    try:
        document = graphql.parse(query)
    except graphql.GraphQLError:
        return query

    class Substitute(graphql.Visitor):
        def _replace(self, node: Any) -> Any:
            if not isinstance(node.value, graphql.StringValueNode):
                return None
            name = node.name.value
            is_id = name == "id" or (name.endswith("Id") and name != "transactionId")
            draw = rnd.random()
            if draw < NASTY_PROBABILITY:
                text = rnd.choice(NASTY_STRINGS)
            elif is_id and draw < SUBSTITUTE_ID_PROBABILITY:
                text = rnd.choice(_pool_for(name, ids))
            else:
                return None
            return node.__class__(name=node.name, value=graphql.StringValueNode(value=text))

        def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> Any:
            return self._replace(node)

        def enter_object_field(self, node: graphql.ObjectFieldNode, *_: Any) -> Any:
            return self._replace(node)

    return graphql.print_ast(graphql.visit(document, Substitute()))


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    operation: str
    problem: str
    query: str


@dataclass(frozen=True)
class KnownBug:
    reason: str
    marker: str  # in the query of every example the bug explains

    def matches(self, failure: Failure) -> bool:
        return self.marker in failure.query and "INTERNAL" in failure.problem


# Source bugs reported and not fixed yet: the test xfails while every failure is one of these,
# and fails once it no longer reproduces (so the entry gets removed).
KNOWN_BUGS: dict[str, KnownBug] = {}


@dataclass
class Tally:
    examples: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


def classify(response: requests.Response) -> tuple[str, str | None]:
    """Return (outcome, failure) for one response; failure is None when it is acceptable."""
    if response.status_code >= 500:
        return "server-error", f"HTTP {response.status_code}: {response.text[:500]}"
    try:
        body = response.json()
    except ValueError:
        return "not-json", f"HTTP {response.status_code}, not JSON: {response.text[:300]}"
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        return "not-graphql", f"not a GraphQL response: {response.text[:300]}"
    errors = body.get("errors") or []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if error.get("message") == "Unexpected error." or code == "INTERNAL":
            return "masked-unexpected", f"masked unexpected error: {json.dumps(error)[:300]}"
    if errors:
        return "graphql-error", None
    data = body.get("data") or {}
    if any(isinstance(payload, dict) and payload.get("userErrors") for payload in data.values()):
        return "user-errors", None
    return "ok", None


@dataclass
class Fuzzer:
    base_url: str
    headers: dict[str, str]
    ids: dict[str, list[str]]
    tally: Tally = field(default_factory=Tally)
    session: requests.Session = field(default_factory=requests.Session)

    def run(self, operation: Any, mode: GenerationMode) -> None:
        """Send the examples of one operation in one mode, and tally what came back."""

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES[mode],
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode), rnd=st.randoms())
        def examples(case: Any, rnd: random.Random) -> None:
            if mode is GenerationMode.POSITIVE:
                case.body = mutate_values(case.body, self.ids, rnd)
            response = case.call(base_url=self.base_url, session=self.session, headers=self.headers)
            self.tally.examples[f"{operation.label} {mode.value}"] += 1
            self.tally.statuses[response.status_code] += 1
            outcome, failure = classify(response)
            self.tally.outcomes[outcome] += 1
            if failure is not None:
                self.tally.failures.append(Failure(operation.label, failure, case.body))

        examples()


def test_schemathesis_finds_no_server_error(
    live_on_each_backend: Live, request: pytest.FixtureRequest
) -> None:
    live = live_on_each_backend
    backend = request.node.callspec.params["live_on_each_backend"]
    headers = {"Authorization": f"Bearer {live.key}"}
    register_scalars()
    schema = schemathesis.graphql.from_url(f"{live.base_url}/graphql", headers=headers, timeout=10)
    ids = seed_account(live)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every root field of the server is an operation here: queries and mutations alike.
    root_fields = post_graphql(
        live.base_url,
        live.key,
        "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
    )["__schema"]
    expected = len(root_fields["queryType"]["fields"]) + len(root_fields["mutationType"]["fields"])
    assert len(operations) == expected

    fuzzer = Fuzzer(base_url=live.base_url, headers=headers, ids=ids)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzzer.run(operation, mode)
    tally = fuzzer.tally

    total = sum(tally.examples.values())
    print(
        f"\nschemathesis {schemathesis.__version__} on {backend}: {total} examples over "
        f"{len(operations)} operations (seed {SEED})"
    )
    print("  HTTP statuses:", dict(sorted(tally.statuses.items())))
    print("  outcomes:", dict(sorted(tally.outcomes.items())))
    write_report(
        f"fuzz-{backend}.json",
        {
            "schemathesis": schemathesis.__version__,
            "seed": SEED,
            "operations": len(operations),
            "examples": total,
            "examples_by_operation": dict(sorted(tally.examples.items())),
            "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
            "outcomes": dict(sorted(tally.outcomes.items())),
            "failures": len(tally.failures),
            "failing_operations": sorted({f.operation for f in tally.failures}),
        },
    )
    assert total >= 500, tally.examples
    assert httpx.get(f"{live.base_url}/healthz", timeout=5).status_code == 200

    known = KNOWN_BUGS.get(backend)
    unknown = [f for f in tally.failures if known is None or not known.matches(f)]
    assert not unknown, f"{len(unknown)} failing examples, e.g.:\n" + "\n".join(
        f"{f.operation}: {f.problem}\n  query: {f.query}" for f in unknown[:MAX_FAILURES_SHOWN]
    )
    if known is not None:
        hits = sorted({f.operation for f in tally.failures})
        assert hits, f"{known.reason}: no longer reproduces, remove it from KNOWN_BUGS"
        pytest.xfail(f"{known.reason} ({len(tally.failures)} examples; {', '.join(hits)})")
