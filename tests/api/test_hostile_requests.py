"""Hostile documents and values, sent with an ordinary key, on both backends: each gets a
clear answer with a code, writes nothing where it is refused, and the server keeps answering.

(Values that cannot come back exactly, totals past 64 bits: tests/api/test_hostile_values.py;
hostile bodies, headers and the REST route: tests/server/test_hostile_http.py; a database that
hangs or is busy: tests/server/test_hostile_database.py; operation names, node types and
dates: tests/api/test_request_rules.py.)
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from graphql import OperationDefinitionNode, get_introspection_query, parse, print_ast
from graphql.execution import executor as graphql_executor

from db.tables import Invoice
from schema import build_schema, fast_values
from tests.api.billing_helpers import count_rows, free_line
from tests.conftest import Api

SMALL_QUERY = "{ projects(first: 1) { totalCount } }"


def fragment_bomb(levels: int, leaf: str = "id name") -> str:
    """F(i) spreads F(i-1) twice: 2**levels fields once expanded, in about 40 bytes a level."""
    fragments = [f"fragment F0 on Project {{ {leaf} }}"] + [
        f"fragment F{i} on Project {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    return f'{{ project(id: "prj_x") {{ ...F{levels} }} }} ' + " ".join(fragments)


async def still_answers(api: Api) -> None:
    assert (await api.gql(SMALL_QUERY))["projects"]["totalCount"] >= 0
    assert (await api.client.get("/healthz")).status_code == 200


def assert_checked_without_expanding(document: str, code: str) -> None:
    """Run the schema's checks on `document` in a worker thread: if they expanded the
    fragments they would take hours, and this fails instead of hanging the test run."""
    outcome: list[Any] = []
    worker = threading.Thread(
        target=lambda: outcome.append(asyncio.run(build_schema().execute(document))), daemon=True
    )
    worker.start()
    worker.join(timeout=60)  # a guard against a hang, not a measurement: it takes ms
    assert outcome, "the checks did not finish: they expand the fragment spreads"
    assert outcome[0].errors[0].extensions["code"] == code


@pytest.mark.parametrize(
    ("leaf", "code"),
    [
        ("id name", "QUERY_TOO_COSTLY"),
        ("a: id b: name", "QUERY_TOO_LARGE"),  # 2**31 aliases once expanded
        ("milestones { scheduleItem { milestone { " * 4 + "id" + " } } }" * 4, "QUERY_TOO_DEEP"),
    ],
    ids=["cost", "aliases", "depth"],
)
async def test_a_30_level_fragment_bomb_is_refused_without_being_expanded(
    api: Api, leaf: str, code: str
) -> None:
    body = (await api.post(fragment_bomb(16, leaf))).json()  # 2**17 fields expanded
    assert body["errors"][0]["extensions"]["code"] == code, body
    bomb = fragment_bomb(30, leaf)
    assert len(bomb) < 2000
    assert_checked_without_expanding(bomb, code)
    body = (await api.post(bomb)).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code, body
    # and while one is checked, the health check and other requests are answered
    answers = await asyncio.gather(
        api.post(bomb), api.client.get("/healthz"), api.post(SMALL_QUERY)
    )
    assert [a.status_code for a in answers] == [200, 200, 200]
    await still_answers(api)


SCHEDULE_OF = (
    "mutation($items: [InvoiceScheduleItemInput!]!) { createInvoiceSchedule(input: "
    '{projectId: "prj_x", totalAmount: "100.00", items: $items}) '
    "{ invoiceSchedule { id } userErrors { field code } } }"
)
LINES_OF = (
    "mutation($lines: [InvoiceLineInput!]!) { createInvoice(input: "
    '{projectId: "prj_x", lines: $lines}) { invoice { id } userErrors { field code } } }'
)
SCHEDULE_ITEM = {"name": "", "percentage": "-1", "trigger": "t", "runDate": "2026-01-01"}


@pytest.fixture
def coercions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each coercion of a request's variables, on the plain and the fast path."""
    seen: list[str] = []
    for module in (graphql_executor, fast_values):
        coerce = module.get_variable_values

        def counted(*args: Any, _coerce: Any = coerce, **kwargs: Any) -> Any:
            seen.append("coerced")
            return _coerce(*args, **kwargs)

        monkeypatch.setattr(module, "get_variable_values", counted)
    return seen


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (SCHEDULE_OF, {"items": [SCHEDULE_ITEM] * 12_000}),
        (LINES_OF, {"lines": [free_line("1.00")] * 16_000}),
    ],
    ids=["12000-schedule-items", "16000-invoice-lines"],
)
async def test_a_huge_list_in_variables_is_refused_before_any_coercion(
    api: Api, query: str, variables: dict[str, Any], coercions: list[str]
) -> None:
    # Coerced, 12,000 items held the event loop for 4.5-9 s; the body's one pass refuses them.
    response = await api.post(query, variables)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert coercions == []
    assert await count_rows(api, Invoice) == 0
    await still_answers(api)
    assert coercions  # the spy sees a request that is coerced


async def test_a_read_key_mutation_is_forbidden_before_its_variables_are_coerced(
    api: Api, coercions: list[str]
) -> None:
    # 200 items (the most a list may hold), one of them not even a valid value: coercing them
    # first would cost a read key's refusal that work and answer the bad value instead.
    items = [SCHEDULE_ITEM] * 199 + [{**SCHEDULE_ITEM, "runDate": "2026-02-30"}]
    body = (await api.post(SCHEDULE_OF, {"items": items}, key="read")).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["createInvoiceSchedule"]
    assert coercions == []
    # the same request with a write key is coerced, and the bad value is what it is told
    body = (await api.post(SCHEDULE_OF, {"items": items}, key="write")).json()
    assert coercions
    assert body["errors"][0]["message"].endswith("2026-02-30 is not a day of the calendar."), body
    body = (await api.post(SCHEDULE_OF, {"items": [SCHEDULE_ITEM] * 200}, key="write")).json()
    assert body["data"]["createInvoiceSchedule"]["userErrors"]


STANDARD_INTROSPECTION = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
)
# The outside tester's: 5 aliased copies of most of it took 1.5 s and returned 450 KB.
INTROSPECTION_BODY = (
    "types { name kind description fields(includeDeprecated: true) { name description "
    "args { name description type { kind name ofType { kind name ofType { kind name "
    "ofType { kind name } } } } defaultValue } type { kind name ofType { kind name "
    "ofType { kind name ofType { kind name } } } } isDeprecated deprecationReason } "
    "inputFields { name description type { kind name ofType { kind name ofType { kind "
    "name } } } defaultValue } interfaces { name } enumValues(includeDeprecated: true) "
    "{ name description } possibleTypes { name } }"
)


def aliased_standard_introspection(copies: int) -> str:
    """The standard introspection query asking for the schema `copies` times, aliased."""
    document = parse(STANDARD_INTROSPECTION)
    operation, *fragments = document.definitions
    assert isinstance(operation, OperationDefinitionNode)
    schema_field = print_ast(operation.selection_set.selections[0])
    aliased = " ".join(f"s{i}: {schema_field}" for i in range(copies))
    return "{ " + aliased + " }\n" + "\n".join(print_ast(f) for f in fragments)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (
            "{ " + " ".join(f"a{i}: __schema {{ {INTROSPECTION_BODY} }}" for i in range(5)) + " }",
            "QUERY_TOO_COSTLY",
        ),
        (
            "{ __schema { " + " ".join(f"t{i}: {INTROSPECTION_BODY}" for i in range(5)) + " } }",
            "QUERY_TOO_COSTLY",
        ),
        (aliased_standard_introspection(2), "QUERY_TOO_COSTLY"),
        (
            '{ __type(name: "Query") { ' + "ofType { " * 20 + "name" + " }" * 20 + " } }",
            "QUERY_TOO_DEEP",
        ),
    ],
    ids=["5-aliased-schemas", "5-aliased-types-lists", "2-standard-queries", "ofType-x20"],
)
async def test_introspection_is_costed_and_depth_limited(
    api: Api, document: str, code: str
) -> None:
    response = await api.post(document)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code, body["errors"]
    await still_answers(api)


async def test_the_standard_introspection_query_still_passes(api: Api) -> None:
    data = await api.gql(STANDARD_INTROSPECTION)
    assert (await api.gql(get_introspection_query()))["__schema"]["types"]
    assert any(t["name"] == "InvoiceLine" for t in data["__schema"]["types"])
    once = await api.gql("{ __schema { " + INTROSPECTION_BODY + " } }")
    assert once["__schema"]["types"]
