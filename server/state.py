"""What the process holds for its lifetime: settings, the engine and the clock. No user data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from server.settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
