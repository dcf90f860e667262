"""Events: every change recorded in its own transaction (an outbox), read back in commit order."""

from domain.events.outbox import record_event, recording_events

__all__ = ["record_event", "recording_events"]
