"""Structured logs: one JSON object a line, each carrying the request id of its request.

RequestIdMiddleware (ops/middleware.py) puts the id in `request_id` for the time of a request;
RequestIdFilter copies it onto every log record made meanwhile, so an error's traceback can be
matched with the access-log line of the same request. JSONFormatter also understands
gunicorn's access-log records (ops/gunicorn_logging.py), whose arguments are the request's
atoms: method, path, status, duration and so on.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id = contextvars.ContextVar("request_id", default="")

# gunicorn's access-log atoms, by the name we log them under.
ACCESS_ATOMS = {
    "request_id": "{x-request-id}o",
    "method": "m",
    "path": "U",
    "query": "q",
    "status": "s",
    "duration_ms": "M",
    "bytes": "B",
    "remote_addr": "h",
    "forwarded_for": "{x-forwarded-for}i",
    "user_agent": "a",
}
NUMERIC_ATOMS = {"status", "duration_ms", "bytes"}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
            if getattr(record, "request_id", ""):
                entry["request_id"] = record.request_id
            request = getattr(record, "request", None)
            if request is not None and hasattr(request, "method"):
                entry["method"] = request.method
                entry["path"] = request.path
            if getattr(record, "status_code", None):
                entry["status"] = record.status_code
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _access_fields(atoms):
    fields = {}
    for name, atom in ACCESS_ATOMS.items():
        value = atoms.get(atom, "-")
        if value in ("-", "", None):
            continue
        if name in NUMERIC_ATOMS:
            try:
                value = int(value)
            except (TypeError, ValueError):
                continue
        fields[name] = value
    return fields
