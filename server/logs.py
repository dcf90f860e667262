"""Logging set-up: one JSON object per line (LOG_FORMAT=json), or readable text (text).

The same configuration goes to uvicorn (its `log_config`), so its own start-up and shutdown
lines come out in the format of every other line, in each worker process too.
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

LOG_FORMATS = ("json", "text")
# Ours, Strawberry's and uvicorn's ("uvicorn.error" passes its lines up to "uvicorn").
LOGGERS = ("milestone_billing", "strawberry", "uvicorn", "uvicorn.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """`2026-03-01 12:00:00,123 INFO milestone_billing: message key=value ...`"""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", {})
        if not fields:
            return line
        first, newline, rest = line.partition("\n")  # keep a traceback below the fields
        pairs = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{first} {pairs}{newline}{rest}"


def log_config(level: str, log_format: str = "json") -> dict[str, Any]:
    """Return the `logging.config.dictConfig` dictionary for LOG_LEVEL and LOG_FORMAT."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"lines": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "lines",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            name: {"handlers": ["stderr"], "level": level, "propagate": False} for name in LOGGERS
        },
    }


def configure_logging(level: str, log_format: str = "json") -> None:
    logging.config.dictConfig(log_config(level, log_format))
