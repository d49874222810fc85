"""What `discovery` cannot read from a route's source, said once per route: `(METHOD, path) → Override`.

Keep this short: a route that follows STYLE.md's shape needs no entry. An entry replaces only what it names.
Shapes are JSON Schema dicts; `{"$model": Model}` stands for a pydantic model's schema.
"""

import importlib
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from chalicelib.openapi.discovery import Operation, Reply


@dataclass(frozen=True)
class Override:
    replies: tuple[Reply, ...] | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None


def _nullable(model_path: str) -> dict[str, Any]:
    """Both documents answer 'no running timer' with a JSON `null`."""
    return {"anyOf": [{"$model": model_path}, {"type": "null"}]}


_RECEIPT = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["accepted", "duplicate", "pong", "ignored"]},
        "delivery_id": {"type": "string"},
    },
    "required": ["status"],
}
_RECEIPTS = (Reply(200, _RECEIPT), Reply(202, _RECEIPT))  # 202 when the delivery is accepted for processing

_OPENAPI_DOCUMENT = {"type": "object", "required": ["openapi", "info", "paths", "components"]}

# Model references are written as "module:Name" and imported when the document is built.
_OVERRIDES: dict[tuple[str, str], Override] = {
    ("GET", "/api/v1/openapi.json"): Override(replies=(Reply(200, _OPENAPI_DOCUMENT),)),
    ("GET", "/api/v1/entries/current"): Override(
        replies=(Reply(200, _nullable("chalicelib.time_entries.schemas:EntryOut")),)
    ),
    ("GET", "/api/v1/time/current"): Override(
        replies=(Reply(200, _nullable("chalicelib.time_entries.schemas:TimeEntryOut")),)
    ),
    ("POST", "/api/v1/git/hooks/github/{repository_id}"): Override(replies=_RECEIPTS),
    ("POST", "/api/v1/git/hooks/gitlab/{repository_id}"): Override(replies=_RECEIPTS),
}


def apply(operation: Operation) -> Operation:
    """`operation` with its override (if any) applied."""
    override = _OVERRIDES.get((operation.method, operation.path))
    if override is None:
        return operation
    changes: dict[str, Any] = {}
    if override.replies is not None:
        changes["replies"] = [Reply(r.status, _resolve(r.shape), r.content_type) for r in override.replies]
    if override.body is not None:
        changes["body"] = override.body
    if override.query is not None:
        changes["query"] = override.query
    return replace(operation, **changes)


def overridden() -> set[tuple[str, str]]:
    """The routes that have an entry here."""
    return set(_OVERRIDES)


def _resolve(shape: Any) -> Any:
    if isinstance(shape, dict):
        if isinstance(shape.get("$model"), str):
            module, name = shape["$model"].split(":")
            return {"$model": getattr(importlib.import_module(module), name)}
        return {key: _resolve(value) for key, value in shape.items()}
    if isinstance(shape, list):
        return [_resolve(value) for value in shape]
    return shape
