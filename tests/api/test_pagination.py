"""The `projects` connection: default and maximum page sizes, keyset cursors, totalCount."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.api.test_projects import create_project
from tests.conftest import Api

PAGE = """
query($first: Int, $after: String) {
  projects(first: $first, after: $after) {
    totalCount
    edges { cursor node { id name } }
    nodes { id name }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def create_spaced(api: Api, count: int) -> list[str]:
    """Create `count` projects one second apart; return their ids in creation order."""
    ids = []
    for n in range(count):
        ids.append((await create_project(api, name=f"P{n:02}"))["id"])
        api.clock.advance(seconds=1)
    return ids


async def create_at_one_instant(api: Api, count: int) -> list[str]:
    """Create `count` projects in one request, so they share one created_at."""
    fields = " ".join(
        f'p{n}: createProject(input: {{name: "P{n:02}", clientName: "C", currency: "USD"}}) '
        "{ project { id } userErrors { code } }"
        for n in range(count)
    )
    data = await api.gql(f"mutation {{ {fields} }}")
    assert all(data[f"p{n}"]["userErrors"] == [] for n in range(count))
    return [data[f"p{n}"]["project"]["id"] for n in range(count)]


async def page(api: Api, **variables: Any) -> dict[str, Any]:
    return dict((await api.gql(PAGE, variables))["projects"])


async def walk(api: Api, first: int) -> list[dict[str, Any]]:
    """Return every page, following endCursor until hasNextPage is false."""
    pages, after = [], None
    for _ in range(100):
        current = await page(api, first=first, after=after)
        pages.append(current)
        if not current["pageInfo"]["hasNextPage"]:
            return pages
        after = current["pageInfo"]["endCursor"]
    raise AssertionError("pagination never ended")


async def top_level_error(api: Api, **variables: Any) -> dict[str, Any]:
    response = await api.post(PAGE, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] != "Unexpected error.", error
    return dict(error)


async def test_default_page_is_20_of_25(api: Api) -> None:
    ids = await create_spaced(api, 25)
    first_page = await page(api)
    assert first_page["totalCount"] == 25
    assert [n["id"] for n in first_page["nodes"]] == ids[:20]
    assert [e["node"]["id"] for e in first_page["edges"]] == ids[:20]
    info = first_page["pageInfo"]
    assert info["hasNextPage"] is True
    assert info["hasPreviousPage"] is False
    assert info["startCursor"] == first_page["edges"][0]["cursor"]
    assert info["endCursor"] == first_page["edges"][-1]["cursor"]

    rest = await page(api, after=info["endCursor"])
    assert [n["id"] for n in rest["nodes"]] == ids[20:]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["pageInfo"]["hasPreviousPage"] is True
    assert rest["totalCount"] == 25


async def test_walking_pages_of_7_returns_each_project_once_in_creation_order(api: Api) -> None:
    ids = await create_spaced(api, 25)
    pages = await walk(api, first=7)
    assert [len(p["nodes"]) for p in pages] == [7, 7, 7, 4]
    assert [n["id"] for p in pages for n in p["nodes"]] == ids
    assert [n["name"] for p in pages for n in p["nodes"]] == [f"P{n:02}" for n in range(25)]
    assert {p["totalCount"] for p in pages} == {25}


async def test_projects_with_identical_timestamps_are_neither_lost_nor_repeated(
    api: Api,
) -> None:
    ids = await create_at_one_instant(api, 25)
    pages = await walk(api, first=7)
    walked = [n["id"] for p in pages for n in p["nodes"]]
    assert len(walked) == 25
    assert sorted(walked) == sorted(ids)
    # One instant, so the id breaks the tie: the order is stable from page to page.
    assert walked == [n["id"] for n in (await page(api, first=100))["nodes"]]


async def test_a_page_ending_exactly_at_the_last_project_has_no_next_page(api: Api) -> None:
    await create_spaced(api, 14)
    pages = await walk(api, first=7)
    assert [len(p["nodes"]) for p in pages] == [7, 7]
    assert pages[-1]["pageInfo"]["hasNextPage"] is False


async def test_an_empty_account_has_an_empty_page(api: Api) -> None:
    empty = await page(api)
    assert empty["totalCount"] == 0
    assert empty["nodes"] == [] and empty["edges"] == []
    assert empty["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


async def test_first_0_and_first_100_are_allowed(api: Api) -> None:
    await create_spaced(api, 3)
    nothing = await page(api, first=0)
    assert nothing["nodes"] == [] and nothing["totalCount"] == 3
    assert len((await page(api, first=100))["nodes"]) == 3


@pytest.mark.parametrize("first", [101, -1])
async def test_a_page_size_out_of_range_is_a_clear_error(api: Api, first: int) -> None:
    await create_project(api)
    error = await top_level_error(api, first=first)
    assert "first" in error["message"]
    assert "100" in error["message"]  # the limit is stated


async def test_a_huge_page_size_is_refused_naming_first(api: Api) -> None:
    # Refused before running (by the cost limit or the page size check): either way the
    # message points at `first`.
    await create_project(api)
    error = await top_level_error(api, first=10_000)
    assert "first" in error["message"]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!not base64!!!",
        _b64("no separator here"),
        _b64("not a date|prj_x"),
        base64.urlsafe_b64encode(b"\xff\xfe|\x00").decode(),
    ],
)
async def test_a_garbage_cursor_is_a_clear_error(api: Api, cursor: str) -> None:
    await create_project(api)
    error = await top_level_error(api, after=cursor)
    assert "cursor" in error["message"].lower()


@pytest.mark.parametrize(
    "cursor", [_b64("2026-03-02T09:00:00|prj_x"), _b64("2026-03-02|prj_x")], ids=["naive", "date"]
)
async def test_a_forged_cursor_without_a_time_zone_is_a_clear_error(api: Api, cursor: str) -> None:
    await create_project(api)
    error = await top_level_error(api, after=cursor)
    assert "cursor" in error["message"].lower()
