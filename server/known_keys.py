"""The API keys a process has recently found in the database, so most requests skip the lookup."""

from __future__ import annotations

import time
from collections.abc import Callable

from domain.context import Caller

# How long a key found in the database is trusted without asking again: a deleted (revoked)
# key keeps working on a process for at most this long.
KEY_CACHE_SECONDS = 5.0
KEY_CACHE_ENTRIES = 10_000


class KnownKeys:
    """Callers of keys found in the database in the last KEY_CACHE_SECONDS, by key hash.

    Only keys that exist are kept (an unknown key asks the database every time, so nobody
    can fill the cache with made-up keys), at most KEY_CACHE_ENTRIES of them.
    """

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.now = now
        self._callers: dict[str, tuple[float, Caller]] = {}

    def get(self, key_hash: str) -> Caller | None:
        """Return the cached caller of the key, None when unknown or older than the limit."""
        entry = self._callers.get(key_hash)
        if entry is None:
            return None
        if entry[0] <= self.now():
            del self._callers[key_hash]
            return None
        return entry[1]

    def put(self, key_hash: str, caller: Caller) -> None:
        if len(self._callers) >= KEY_CACHE_ENTRIES:
            now = self.now()
            self._callers = {k: v for k, v in self._callers.items() if v[0] > now}
            while len(self._callers) >= KEY_CACHE_ENTRIES:
                del self._callers[next(iter(self._callers))]  # the oldest entry
        self._callers[key_hash] = (self.now() + KEY_CACHE_SECONDS, caller)
