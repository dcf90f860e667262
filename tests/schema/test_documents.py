"""A document is validated once: the same query text again reuses the first verdict."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from schema import documents
from tests.conftest import Api


async def test_the_same_query_is_validated_once(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[Any] = []
    real_check = documents._check

    def counting_check(schema: Any, document: Any, rules: Any) -> Any:
        checked.append(document)
        return real_check(schema, document, rules)

    monkeypatch.setattr(documents, "_check", counting_check)
    fresh = f"q{uuid.uuid4().hex}"  # text no earlier test has sent
    query = f"{{ {fresh}: projects(first: 2) {{ totalCount }} }}"
    for _ in range(3):
        data = await api.gql(query)
        assert data[fresh]["totalCount"] == 0
    assert len(checked) == 1

    refused = f"{{ {fresh}: projects(first: 2) {{ noSuchField }} }}"
    for _ in range(2):
        response = await api.post(refused)
        assert "noSuchField" in response.json()["errors"][0]["message"]
    assert len(checked) == 2
