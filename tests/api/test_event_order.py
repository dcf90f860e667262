"""The feed in commit order under concurrent writers: a poller sees every event exactly once.

A poller that pages with `after` never goes back, so an event that became visible behind its
cursor (a lower sequence committed after a higher one) would never be seen by it; the final
full read would show it, and the two lists would differ.
"""

from __future__ import annotations

import asyncio

from tests.api.billing_helpers import add_milestone, create_project
from tests.api.event_helpers import events_after
from tests.conftest import Api

WRITERS = 16
WRITES_EACH = 6


async def _writer(api: Api) -> None:
    for _ in range(WRITES_EACH // 2):
        project = await create_project(api)
        await add_milestone(api, project, amount="1.00")


async def test_a_poller_sees_every_committed_event_once_in_order(api: Api) -> None:
    writers = asyncio.gather(*(_writer(api) for _ in range(WRITERS)))
    seen: list[dict[str, str]] = []
    cursor = None
    polls = 0
    while not writers.done() or polls == 0:
        found, cursor = await events_after(api, cursor)
        seen += found
        polls += 1
        await asyncio.sleep(0)
    await writers
    found, cursor = await events_after(api, cursor)
    seen += found
    everything, _ = await events_after(api)
    # Plus one client.created: every writer's projects share the client name "Acme".
    assert len(everything) == WRITERS * WRITES_EACH + 1
    assert [event["id"] for event in seen] == [event["id"] for event in everything]
    # Each milestone.added follows its project's project.created.
    order = {event["objectId"]: index for index, event in enumerate(everything)}
    for index, event in enumerate(everything):
        if event["type"] == "milestone.added":
            assert order[event["data"]["projectId"]] < index
    assert polls > 1
