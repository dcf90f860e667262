"""What the process holds for its lifetime: settings, the engine, the clock, and
which API keys were recently found valid."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from server.known_keys import KnownKeys
from server.settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
    known_keys: KnownKeys = field(default_factory=KnownKeys)
