"""Nested fields resolve through DataLoaders: the SQL a query runs depends on its shape only.

The test app runs with EXPOSE_QUERY_STATS (tests/conftest.make_app), so every response carries
`extensions.stats { sqlStatements durationMs }`.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

NESTED = """
{
  projects(first: 100) {
    totalCount
    nodes {
      name
      milestones { name amount amountPaid status project { name } }
      balance { invoicedAmount paidAmount outstandingAmount }
    }
  }
}"""

# One statement per nesting level plus auth and count: auth, the page, totalCount, milestones,
# balances, and the milestones' project (6 today, on both backends).
MAX_STATEMENTS = 7


MAX_ALIASES_PER_REQUEST = 25  # the server limits aliases per document


async def run_aliased(api: Api, fields: list[str]) -> dict[str, Any]:
    """Run aliased mutation fields in as few documents as the alias limit allows."""
    data: dict[str, Any] = {}
    for start in range(0, len(fields), MAX_ALIASES_PER_REQUEST):
        chunk = " ".join(fields[start : start + MAX_ALIASES_PER_REQUEST])
        data.update(await api.gql(f"mutation {{ {chunk} }}"))
    return data


async def create_projects_with_milestones(api: Api, start: int, count: int) -> None:
    """Create projects P<start>..P<start+count-1>, each with three milestones."""
    created = await run_aliased(
        api,
        [
            f'p{n}: createProject(input: {{name: "P{n:02}", clientName: "C", currency: "USD"}}) '
            "{ project { id } userErrors { code } }"
            for n in range(start, start + count)
        ],
    )
    added = await run_aliased(
        api,
        [
            f'm{n}_{k}: addMilestone(input: {{projectId: "{created[f"p{n}"]["project"]["id"]}", '
            f'name: "M{n:02}-{k}", amount: "{k}00.00"}}) {{ userErrors {{ code }} }}'
            for n in range(start, start + count)
            for k in range(1, 4)
        ],
    )
    assert len(added) == 3 * count
    assert all(payload["userErrors"] == [] for payload in added.values())


async def run_nested(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (data, extensions.stats) of the nested query."""
    response = await api.post(NESTED)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"], body["extensions"]["stats"]


def check_result(data: dict[str, Any], count: int) -> None:
    connection = data["projects"]
    assert connection["totalCount"] == count
    # Created in one request, they share a timestamp: their order is the id's, so compare sets.
    assert sorted(p["name"] for p in connection["nodes"]) == [f"P{n:02}" for n in range(count)]
    for project in connection["nodes"]:
        assert [m["name"] for m in project["milestones"]] == [
            f"{project['name'].replace('P', 'M')}-{k}" for k in range(1, 4)
        ]
        assert [m["amount"] for m in project["milestones"]] == ["100.00", "200.00", "300.00"]
        assert {m["project"]["name"] for m in project["milestones"]} == {project["name"]}
        assert {m["status"] for m in project["milestones"]} == {"PLANNED"}
        assert project["balance"] == {
            "invoicedAmount": "0.00",
            "paidAmount": "0.00",
            "outstandingAmount": "0.00",
        }


async def test_statement_count_does_not_grow_with_the_rows_returned(api: Api) -> None:
    await create_projects_with_milestones(api, 0, 5)
    small_data, small = await run_nested(api)
    check_result(small_data, 5)

    await create_projects_with_milestones(api, 5, 45)
    large_data, large = await run_nested(api)
    check_result(large_data, 50)

    assert large["sqlStatements"] == small["sqlStatements"], (small, large)
    assert 0 < small["sqlStatements"] <= MAX_STATEMENTS, small


async def test_stats_report_a_duration(api: Api) -> None:
    _, stats = await run_nested(api)
    assert isinstance(stats["durationMs"], int | float)
    assert not isinstance(stats["durationMs"], bool)
    assert stats["durationMs"] >= 0
    assert isinstance(stats["sqlStatements"], int)


async def test_stats_count_only_the_current_request(api: Api) -> None:
    # Two identical requests report the same count: counters do not leak between requests.
    await create_projects_with_milestones(api, 0, 2)
    _, first = await run_nested(api)
    _, second = await run_nested(api)
    assert first["sqlStatements"] == second["sqlStatements"]
