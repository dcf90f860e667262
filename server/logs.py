"""Logging set-up: one JSON object per line (LOG_FORMAT=json) or readable text (text), and
database errors logged without their values.

The same configuration goes to uvicorn (its `log_config`), so its own start-up and shutdown
lines come out in the format of every other line, in each worker process too.

A database error's text carries the values it was given: SQLAlchemy appends the statement's
parameters, PostgreSQL's DETAIL quotes the failing row ("Failing row contains (...)"), and
asyncpg's own errors quote the argument it could not encode. Those values are customer data
(a payment's attrs, references). A logged traceback keeps its frames and the statement; each
database error's message becomes a summary without values.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import sqlite3
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import asyncpg
from sqlalchemy.exc import DBAPIError, StatementError

from resolvers.context import request_id_var
from server.observability import trace_id_var

# The loggers that log exceptions: ours, and uvicorn's for an exception that escapes the app.
EXCEPTION_LOGGERS = ("milestone_billing", "milestone_billing.errors", "uvicorn.error")
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
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
        request_id, trace_id = request_id_var.get(), trace_id_var.get()
        if request_id != "-":
            entry["request_id"] = request_id
        if trace_id is not None:
            entry["trace_id"] = trace_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = record.exc_text or without_values(record.exc_info)
        return json.dumps(entry, default=str)


class DatabaseValuesFilter(logging.Filter):
    """Give a record whose exception involves the database a traceback without values.

    Formatters use `exc_text` when it is set, so every handler (ours, a test's, an APM
    agent's) prints the redacted text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = without_values(record.exc_info)
        return True


def without_values(exc_info: ExcInfo | tuple[None, None, None]) -> str:
    """Return the formatted traceback with every database error's message summarised."""
    kind, error, trace = exc_info
    text = "".join(traceback.format_exception(kind, error, trace)).rstrip("\n")
    replacements = {str(e): summary(e) for e in _chain(error) if _is_database_error(e)}
    replacements.pop("", None)
    if not replacements:
        return text
    # One pass, longest first: a SQLAlchemy error's text contains its driver error's text.
    originals = sorted(replacements, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(original) for original in originals))
    return pattern.sub(lambda match: replacements[match[0]], text)


def summary(error: BaseException) -> str:
    """Return what may be logged of a database error: its kind, SQLSTATE and statement."""
    if isinstance(error, StatementError):
        cause = error.orig if error.orig is not None else error.__cause__
        described = summary(cause) if cause is not None else type(error).__name__
        return f"{described} [SQL: {error.statement}] [parameters withheld]"
    if isinstance(error, sqlite3.Error):
        return f"{type(error).__name__}: {error}"  # SQLite's messages name objects, not values
    server_error = next((e for e in _chain(error) if isinstance(e, asyncpg.PostgresError)), None)
    if server_error is not None:
        fields = server_error.as_dict()
        constraint = fields.get("constraint_name")
        return (
            f"{type(server_error).__name__} (SQLSTATE {fields.get('sqlstate')}"
            + (f", constraint {constraint}" if constraint else "")
            + ")"
        )
    return f"{type(error).__name__} (message withheld: it may quote values)"


def _chain(error: BaseException | None) -> list[BaseException]:
    """Return the error, its causes and contexts, and the driver errors SQLAlchemy wraps."""
    seen: list[BaseException] = []
    waiting = [error]
    while waiting:
        current = waiting.pop()
        if current is None or current in seen:
            continue
        seen.append(current)
        nested = getattr(current, "orig", None)
        waiting += [current.__cause__, current.__context__]
        if isinstance(nested, BaseException):
            waiting.append(nested)
    return seen


def _is_database_error(error: BaseException) -> bool:
    module = type(error).__module__
    return isinstance(error, StatementError | DBAPIError | sqlite3.Error) or module.startswith(
        ("asyncpg", "sqlalchemy.dialects")
    )


def install_value_redaction() -> None:
    """Attach the redaction to the loggers that log exceptions (once)."""
    for name in EXCEPTION_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DatabaseValuesFilter) for f in logger.filters):
            logger.addFilter(DatabaseValuesFilter())


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
    loggers: dict[str, dict[str, Any]] = {
        name: {"handlers": ["stderr"], "level": level, "propagate": False} for name in LOGGERS
    }
    # A filter sees only the records logged on its own logger, not those its children pass up.
    for name in EXCEPTION_LOGGERS:
        loggers.setdefault(name, {})["filters"] = ["without_values"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"lines": {"()": f"{__name__}.{formatter.__name__}"}},
        "filters": {"without_values": {"()": f"{__name__}.DatabaseValuesFilter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "lines",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": loggers,
    }


def configure_logging(level: str, log_format: str = "json") -> None:
    logging.config.dictConfig(log_config(level, log_format))
    install_value_redaction()
