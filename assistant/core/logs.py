"""Structured logs for the server's operator: one JSON object per line (journald, `docker
logs`, `jq`), on the standard error or in a file (`MESDROITS_LOG`).

Nothing personal goes in. A record carries its event name and only the fields of `FIELDS`
— ids, counts, durations, kinds, never a name, an address, an answer, a key or a file
number; another field is dropped and named in `dropped`. A traceback keeps where it failed
and the exception types, never their messages (they may quote what a person typed).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Optional

ROOT_LOGGER = "assistant"
# Where the logs go: unset (the caller's default: the app's standard error, nothing for the
# command line), "stderr", "off", or a file path (appended, readable by its owner only).
DESTINATION = "MESDROITS_LOG"

_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}\Z")
# Every field a record may carry. A string is an id (letters, digits, `_.:-`, at most 64),
# never free text; `traceback` comes from `safe_traceback` only.
FIELDS = {
    "version": "id", "pid": "int", "command": "id", "exit_code": "int",
    "page": "id", "duration_ms": "number", "signed_in": "bool",
    "case_id": "id", "organisation_id": "id", "letters": "ids", "letter": "id", "format": "id",
    "rows": "int", "invalid_rows": "int", "pdf_failures": "int",
    "error_id": "id", "error_type": "id", "traceback": "traceback", "attempt": "int", "signal": "int",
}


def _allowed(kind: str, value: object) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "id":
        return isinstance(value, str) and bool(_ID.match(value))
    if kind == "ids":
        return isinstance(value, (list, tuple)) and all(isinstance(v, str) and _ID.match(v) for v in value)
    return isinstance(value, str)  # traceback


def safe_traceback(error: BaseException) -> str:
    """Where it failed — file, line, function — and the exception types (causes included):
    never their messages, nor the source lines (a literal there could be anything)."""
    parts, seen = [], set()
    current: Optional[BaseException] = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = [f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
                  for frame in traceback.extract_tb(current.__traceback__)]
        parts.append("".join(frames) + f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    return "\n-- which led to --\n".join(reversed(parts))


class JsonFormatter(logging.Formatter):
    """One line of JSON: time (UTC), level, logger, event, then the allowed fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            # The constant text only: arguments merged into a message could carry anything.
            "event": str(record.msg),
        }
        dropped = []
        for name, value in (getattr(record, "fields", None) or {}).items():
            if value is None:   # not known here: left out
                continue
            if name in FIELDS and _allowed(FIELDS[name], value):
                line[name] = list(value) if isinstance(value, tuple) else value
            else:
                dropped.append(name)
        if record.exc_info and record.exc_info[1] is not None:
            line.setdefault("error_type", type(record.exc_info[1]).__qualname__)
            line["traceback"] = safe_traceback(record.exc_info[1])
        if dropped:
            line["dropped"] = sorted(dropped)
        return json.dumps(line, ensure_ascii=False)


def logger(name: str = "") -> logging.Logger:
    """The project's logger (`assistant.<name>`): records go where `configure` sends them."""
    return logging.getLogger(f"{ROOT_LOGGER}.{name}" if name else ROOT_LOGGER)


def event(name: str, level: int = logging.INFO, source: str = "", **fields: object) -> None:
    """Log one event with its fields (see FIELDS)."""
    log = logger(source)
    if log.isEnabledFor(level):
        log.log(level, name, extra={"fields": fields})


def error(name: str, failure: BaseException, source: str = "", **fields: object) -> str:
    """Log an unexpected error under a new error id (6 hex digits) and return that id, which
    the person is shown so that the operator finds the traceback."""
    error_id = secrets.token_hex(3).upper()
    ensure_configured()   # never lost, and never Python's plain fallback, which prints the message
    logger(source).error(name, exc_info=(type(failure), failure, failure.__traceback__),
                         extra={"fields": {"error_id": error_id, **fields}})
    return error_id


@contextmanager
def timed(name: str, source: str = "", **fields: object) -> Iterator[dict]:
    """Log `name` with `duration_ms` when the block ends (also when it raises); the block may
    add fields to the dict it gets."""
    started = time.perf_counter()
    extra = dict(fields)
    try:
        yield extra
    finally:
        event(name, source=source, duration_ms=round((time.perf_counter() - started) * 1000, 1), **extra)


_HANDLER_MARK = "_mesdroits_json"


class _StandardError(logging.StreamHandler):
    """The standard error of the moment, not the one at set-up (a test may swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> IO[str]:  # type: ignore[override]
        return sys.stderr


def configure(default: str = "stderr", stream: Optional[IO[str]] = None) -> logging.Handler:
    """Send the project's records, as JSON lines, to `stream` or where MESDROITS_LOG says
    (else `default`). Idempotent: the previous handler of this function is replaced."""
    root = logger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    target = (os.environ.get(DESTINATION) or default).strip()
    if stream is not None:
        handler: logging.Handler = logging.StreamHandler(stream)
    elif target == "off":
        handler = logging.NullHandler()
    elif target == "stderr":
        handler = _StandardError()
    else:
        path = Path(target).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        handler = logging.FileHandler(path, encoding="utf-8")
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False   # JSON only, never a second plain-text copy through the root logger
    return handler


def configured() -> bool:
    return any(getattr(h, _HANDLER_MARK, False) for h in logger().handlers)


def ensure_configured(default: str = "stderr") -> None:
    """`configure` once: the app calls it on every run, the first one sets it up."""
    if not configured():
        configure(default)
