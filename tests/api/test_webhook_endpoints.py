"""Where endpoints may point (IPv6 forms carrying a private IPv4 address, at save time and on
the addresses a name resolves to at delivery time), and how many an account may have."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from domain.webhooks.endpoints import MAX_ENDPOINTS
from tests.api.billing_helpers import create_project
from tests.api.webhook_helpers import (
    create_endpoint,
    deliveries,
    engine_of_its_own,  # noqa: F401 (this module's own database: the worker serves every account)
    own_database_url,  # noqa: F401
    worker_on_test_clock,
)
from tests.conftest import Api

PARTNER = "hooks.partner.test"


@pytest.mark.parametrize(
    "url",
    [
        "https://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
        "https://[64:ff9b::a9fe:a9fe]/",  # NAT64 of the metadata address
        "https://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "https://[64:ff9b:1::808:808]/",  # the NAT64 local-use prefix: the network decides
        "https://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "https://[2002:a9fe:a9fe::]/",  # 6to4 of the metadata address
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
        "https://[::7f00:1]/",  # IPv4-compatible 127.0.0.1
        "https://[::ffff:a9fe:a9fe]/",  # IPv4-mapped metadata
    ],
)
async def test_ipv6_forms_of_private_ipv4_addresses_are_refused(api: Api, url: str) -> None:
    created = await create_endpoint(api, url)
    assert created["webhookEndpoint"] is None
    assert [(e["field"], e["code"]) for e in created["userErrors"]] == [(["url"], "INVALID")]
    assert (await api.gql("{ webhookEndpoints { id } }"))["webhookEndpoints"] == []


async def test_ipv6_forms_of_public_ipv4_addresses_are_accepted(api: Api) -> None:
    for url in ("https://[64:ff9b::808:808]/", "https://[2002:808:808::]/"):
        assert (await create_endpoint(api, url))["userErrors"] == []


@pytest.fixture
def partner_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What PARTNER resolves to (the test changes it); other names resolve as usual."""
    answers = {PARTNER: "8.8.8.8"}
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == PARTNER:
            address = answers[PARTNER]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers


async def test_a_name_turning_to_an_ipv6_form_of_loopback_is_refused_at_delivery(
    api: Api, partner_dns: dict[str, str]
) -> None:
    partner_dns[PARTNER] = "64:ff9b::7f00:1"
    refused = await create_endpoint(api, f"https://{PARTNER}/in")
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["url"], "INVALID")]

    partner_dns[PARTNER] = "8.8.8.8"
    created = await create_endpoint(api, f"https://{PARTNER}/in", eventTypes=["project.created"])
    assert created["userErrors"] == []
    partner_dns[PARTNER] = "2002:7f00:1::"  # 6to4 of 127.0.0.1, after the endpoint was saved
    await create_project(api)
    async with httpx.AsyncClient() as client:
        assert await worker_on_test_clock(api, client).run_once() == 1
    [delivery] = await deliveries(api)
    [attempt] = delivery["attempts"]
    assert attempt["statusCode"] is None
    assert attempt["error"] == f"refused: {PARTNER} is not a public address (2002:7f00:1::)."
    await api.gql(
        "mutation($id: ID!) { deleteWebhookEndpoint(input: {endpointId: $id}) { __typename } }",
        {"id": created["webhookEndpoint"]["id"]},
    )  # nothing left due for the module's other tests


async def test_an_account_has_at_most_the_capped_number_of_endpoints(
    api: Api, other_api: Api
) -> None:
    for number in range(MAX_ENDPOINTS):
        created = await create_endpoint(api, f"https://8.8.8.8/{number}")
        assert created["userErrors"] == []
    refused = await create_endpoint(api, "https://8.8.8.8/one-more")
    assert refused["webhookEndpoint"] is None and refused["secret"] is None
    [error] = refused["userErrors"]
    assert (error["field"], error["code"]) == (["url"], "INVALID")
    assert f"at most {MAX_ENDPOINTS}" in error["message"]
    listed = (await api.gql("{ webhookEndpoints { url } }"))["webhookEndpoints"]
    assert len(listed) == MAX_ENDPOINTS
    assert "https://8.8.8.8/one-more" not in [e["url"] for e in listed]
    # Another account is not held to this one's count.
    assert (await create_endpoint(other_api, "https://8.8.8.8/other"))["userErrors"] == []
    # The query cost counts the list as the cap, the most it can hold.
    answer = (await api.post("{ webhookEndpoints { id } }", key="read")).json()
    assert answer["extensions"]["cost"]["requested"] == 1 + MAX_ENDPOINTS
