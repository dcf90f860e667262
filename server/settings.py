"""Settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/milestone-billing.db"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    log_level: str = "INFO"
    log_format: str = "json"  # or "text" (server/logs.py)
    expose_query_stats: bool = False
    fast_queries: bool = True
    run_worker: bool = True  # the in-process webhook worker of `serve` (--no-worker: RUN_WORKER=0)
    metrics_token: str | None = None
    pool_size: int = 32
    # Slow clients: a request's headers and body must arrive within this many seconds, and
    # one process holds at most this many connections (server/connections.py).
    request_read_timeout: float = 15.0
    max_connections: int = 1000
    # PostgreSQL: the longest a statement, or the wait for a pooled connection, may take
    # before the request is answered 503 (db/engine.py).
    database_timeout: float = 5.0
    # WebSockets (server/socket_limits.py): open subscriptions per account and per process,
    # and how long a message may wait for a client that stopped reading before its socket
    # is dropped.
    subscriptions_per_account: int = 100
    subscriptions_per_process: int = 2000
    subscription_send_timeout: float = 10.0

    @classmethod
    def from_env(cls) -> Settings:
        """Return the settings named in DESIGN section 5, defaults where a variable is unset."""
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            host=env.get("HOST") or "127.0.0.1",
            port=int(env.get("PORT") or 8000),
            cors_origins=tuple(
                origin.strip()
                for origin in (env.get("CORS_ORIGINS") or "").split(",")
                if origin.strip()
            ),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            log_format=(env.get("LOG_FORMAT") or "json").strip().lower(),
            expose_query_stats=_flag(env.get("EXPOSE_QUERY_STATS")),
            fast_queries=_flag(env.get("FAST_QUERIES", "1")),
            run_worker=_flag(env.get("RUN_WORKER", "1")),
            pool_size=int(env.get("DATABASE_POOL_SIZE") or 32),
            metrics_token=(env.get("METRICS_TOKEN") or "").strip() or None,
            request_read_timeout=float(env.get("REQUEST_READ_TIMEOUT") or 15),
            max_connections=int(env.get("MAX_CONNECTIONS") or 1000),
            database_timeout=float(env.get("DATABASE_TIMEOUT") or 5),
            subscriptions_per_account=int(env.get("SUBSCRIPTIONS_PER_ACCOUNT") or 100),
            subscriptions_per_process=int(env.get("SUBSCRIPTIONS_PER_PROCESS") or 2000),
            subscription_send_timeout=float(env.get("SUBSCRIPTION_SEND_TIMEOUT") or 10),
        )
