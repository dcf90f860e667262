"""Sending one delivery: the Standard Webhooks body, headers and signature, over HTTP.

The body is `{type, timestamp, data}`; `webhook-id` is the event's id, so a receiver can drop
a duplicate (deliveries are at least once). The request goes to the address that passed the
checks in addresses.py, with the URL's host name as Host and TLS server name.

One deadline covers the whole attempt (resolving, connecting, the answer's headers and body):
a receiver that trickles its answer cannot hold a worker past it, nor its claim past the lease.
Only the first few KB of an answer are read; the rest is never downloaded.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import httpx
from standardwebhooks import Webhook

from domain.errors import DomainError
from domain.webhooks.addresses import check_url, resolve
from domain.webhooks.endpoints import private_allowed
from domain.webhooks.queue import Claim

TIMEOUT_SECONDS = 10.0  # the whole attempt; well under the claim's lease (queue.LEASE)
MAX_ANSWER_BYTES = 4096  # what is read of an answer's body (nothing of it is kept)


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str | None


def signed_request(claim: Claim, *, now: datetime) -> tuple[dict[str, str], bytes]:
    """Return the headers and body of the delivery, signed with the endpoint's secret."""
    body = json.dumps(
        {
            "type": claim.event_type,
            "timestamp": claim.occurred_at.isoformat(),
            "data": json.loads(claim.data),
        },
        separators=(",", ":"),
    )
    signature = Webhook(claim.secret).sign(msg_id=claim.event_id, timestamp=now, data=body)
    headers = {
        "content-type": "application/json",
        "webhook-id": claim.event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "user-agent": "milestone-billing-webhooks",
    }
    return headers, body.encode()


async def send(
    client: httpx.AsyncClient, claim: Claim, *, seconds: float = TIMEOUT_SECONDS
) -> Answer:
    """Return the endpoint's answer to one attempt, or why there was none, within `seconds`.

    The signature's timestamp is the wall clock's: receivers compare it with theirs.
    """
    try:
        async with asyncio.timeout(seconds):
            return await _attempt(client, claim, seconds=seconds)
    except TimeoutError:
        return Answer(None, f"timed out after {seconds:g} s")


async def _attempt(client: httpx.AsyncClient, claim: Claim, *, seconds: float) -> Answer:
    allow = private_allowed()
    try:
        target = check_url(claim.url, allow_private=allow)
        address = await resolve(target, allow_private=allow)
    except DomainError as refused:
        return Answer(None, f"refused: {refused.message}")
    headers, body = signed_request(claim, now=datetime.now(UTC))
    parts = urlsplit(target.url)
    host = f"[{address}]" if address.version == 6 else str(address)
    pinned = urlunsplit((parts.scheme, f"{host}:{target.port}", parts.path or "/", parts.query, ""))
    headers["host"] = parts.netloc
    request = client.build_request(
        "POST",
        pinned,
        content=body,
        headers=headers,
        timeout=seconds,
        extensions={"sni_hostname": target.host},
    )
    try:
        response = await client.send(request, stream=True)
        try:
            await read_at_most(response, MAX_ANSWER_BYTES)
        finally:
            await response.aclose()
    except httpx.TimeoutException:
        return Answer(None, f"timed out after {seconds:g} s")
    except httpx.HTTPError as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:500])
    return Answer(response.status_code, None)


async def read_at_most(response: httpx.Response, limit: int) -> int:
    """Return how many bytes of the (still encoded) body were read: all of a short one, so the
    connection can be reused, and no more than about `limit` of a long one."""
    read = 0
    async for chunk in response.aiter_raw(chunk_size=limit):
        read += len(chunk)
        if read >= limit:
            break
    return read
