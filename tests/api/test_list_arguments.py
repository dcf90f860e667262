"""Every list's arguments: a page size out of range names the argument given (`first` or
`last`), a blank search is no filter on every list, and a search ignores case and accents
beyond ASCII on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.billing_helpers import create_project
from tests.api.test_root_lists import ids, two_clients
from tests.conftest import Api

ROOTS = ("projects", "invoices", "payments", "creditNotes", "clients")
ON_ONE = "query($n: Int, $id: ID!) {{ {} }}"


async def named_field(api: Api, query: str, variables: dict[str, Any]) -> Any:
    body = (await api.post(query, variables, key="read")).json()
    assert body.get("errors"), body
    return body["errors"][0]["extensions"].get("field")


@pytest.mark.parametrize("size", [101, -1])
async def test_a_page_size_out_of_range_names_the_argument_given(api: Api, size: int) -> None:
    made = await two_clients(api)
    project, client = made["projects"][0], made["clients"][0]
    wrong = []
    for argument in ("first", "last"):
        for root in ROOTS:
            query = f"query($n: Int) {{ {root}({argument}: $n) {{ totalCount }} }}"
            wrong.append((root, argument, await named_field(api, query, {"n": size})))
        query = ON_ONE.format(f"project(id: $id) {{ invoices({argument}: $n) {{ totalCount }} }}")
        found = await named_field(api, query, {"n": size, "id": project})
        wrong.append(("Project.invoices", argument, found))
    for field in ("projects", "invoices", "payments"):
        query = ON_ONE.format(f"client(id: $id) {{ {field}(first: $n) {{ totalCount }} }}")
        found = await named_field(api, query, {"n": size, "id": client})
        wrong.append((f"Client.{field}", "first", found))
    assert [case for case in wrong if case[2] != [case[1]]] == []


@pytest.mark.parametrize("blank", ["", " ", "  \t\n ", "\u0301"])
async def test_a_blank_search_is_no_filter_on_every_list(api: Api, blank: str) -> None:
    await two_clients(api)
    for root in ROOTS:
        everything = await ids(api, root)
        assert everything, root
        assert await ids(api, root, filter={"search": blank}) == everything, root


async def test_client_search_folds_case_and_accents_beyond_ascii(api: Api) -> None:
    await create_project(api, name="Nido", clientName="Ñandú SA")
    await create_project(api, name="Haus", clientName="Müller GmbH")
    await create_project(api, name="Other", clientName="Nando")
    nandu = await ids(api, "clients", filter={"search": "Ñandú SA"})
    assert len(nandu) == 1
    for needle in ("ñandú", "ÑANDÚ SA", "NANDU", "nandu", "  nandu   sa "):
        assert await ids(api, "clients", filter={"search": needle}) == nandu, needle
    muller = await ids(api, "clients", filter={"search": "Müller"})
    assert len(muller) == 1
    for needle in ("muller", "MÜLLER", "MULLER gmbh"):
        assert await ids(api, "clients", filter={"search": needle}) == muller, needle
    projects = await ids(api, "projects", filter={"search": "NANDU"})
    assert len(projects) == 1
