"""Who is acting: the account every read and write is scoped to, its role and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.clock import Clock, SystemClock


class Role(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Caller:
    account_id: str
    role: Role
    clock: Clock = field(default_factory=SystemClock)

    @property
    def can_write(self) -> bool:
        return self.role is Role.WRITE
