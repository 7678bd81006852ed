"""Logs a log shipper can read: one JSON object per line, and the request id on every line of a request.

`JsonFormatter` writes the record's message and level, the logger's name, the time in UTC, the request
id of the request being served (if any), the fields a caller passed in `extra=` and an exception's
traceback. The text format (development) shows the same message, which is written to read well alone.

Nothing here imports Django: gunicorn's own lines can use the same formatter before Django starts.
"""

import contextvars
import json
import logging
import time

# The request id of the request this thread (or task) is serving; set by `ops.requests`.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# What every LogRecord has; anything else on a record came from `extra=` and is written out. Except
# `request`: Django puts the request object on its own records, and its text is the URL with the query string.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName", "request"}


def _jsonable(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = _jsonable(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # ensure_ascii keeps each entry on one line whatever the message holds (newlines are escaped either way).
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


FORMATS = ("json", "text")


def logging_config(log_format: str, level: str, quiet_level: str, quiet: tuple[str, ...]) -> dict:
    """The LOGGING setting: everything to the console, as JSON lines or as plain text."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, got {log_format!r}")
    handler = {"class": "logging.StreamHandler"}
    if log_format == "json":
        handler["formatter"] = "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            **{name: {"level": quiet_level} for name in quiet},
            # Django's own line for every 4xx ("Not Found: /wp-login.php") repeats the request line
            # (ops/requests.py) and floods under a scan; its errors (5xx, with tracebacks) stay.
            "django.request": {"level": "ERROR"},
        },
    }
