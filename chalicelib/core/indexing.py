"""How domains feed the search index without depending on it: they register a loader per entity type and
ask for a re-index after a change; the search domain runs the re-index job and answers queries."""

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.core import jobs

REINDEX_JOB = "search_reindex"


@dataclass(frozen=True)
class Document:
    """What an entity is found by (title + text) and shown as; `project_id` scopes its visibility."""

    title: str
    text: str
    project_id: str | None = None


DocumentLoader = Callable[..., Document | None]
_sources: dict[str, DocumentLoader] = {}


def register_source(entity_type: str, loader: DocumentLoader) -> None:
    """`loader(org_id=, entity_id=)` returns the entity's Document, or None once it is gone."""
    _sources[entity_type] = loader


def load(*, entity_type: str, org_id: str, entity_id: str) -> Document | None:
    """The current Document of an entity (None if it no longer exists)."""
    return _sources[entity_type](org_id=org_id, entity_id=entity_id)


def request_reindex(*, org_id: str, entity_type: str, entity_id: str) -> None:
    """Queue a re-index of one entity (after it was created, changed or deleted)."""
    jobs.enqueue(REINDEX_JOB, {"org_id": org_id, "entity_type": entity_type, "entity_id": entity_id})
