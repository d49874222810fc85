"""How domains feed the search index without depending on it: they register a loader per entity type and
ask for a re-index after a change; the search domain runs the re-index job and answers queries."""

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.core import jobs

REINDEX_JOB = "search_reindex"
REMOVE_JOB = "search_remove"


@dataclass(frozen=True)
class Document:
    """What an entity is found by (title + text) and shown as.

    `project_id` scopes its visibility to the project's viewers, `private_to` to one user (and admins), or
    to admins alone with `ADMINS_ONLY`; `parent_id` is what it belongs to (a comment's task, an article's
    category), returned with each hit.
    """

    title: str
    text: str
    project_id: str | None = None
    parent_id: str | None = None
    private_to: str | None = None


# A `private_to` that no user id ever equals: only admins see the document (e.g. invoices).
ADMINS_ONLY = "admins"

DocumentLoader = Callable[..., Document | None]
_sources: dict[str, DocumentLoader] = {}


def register_source(entity_type: str, loader: DocumentLoader) -> None:
    """`loader(org_id=, entity_id=[, parent_id=])` returns the entity's Document, or None once it is gone.

    `parent_id` is passed when the re-index was requested with one (entities keyed under their parent).
    """
    _sources[entity_type] = loader


def load(*, entity_type: str, org_id: str, entity_id: str, parent_id: str | None = None) -> Document | None:
    """The current Document of an entity (None if it no longer exists)."""
    extra = {"parent_id": parent_id} if parent_id else {}
    return _sources[entity_type](org_id=org_id, entity_id=entity_id, **extra)


def request_reindex(*, org_id: str, entity_type: str, entity_id: str, parent_id: str | None = None) -> None:
    """Queue a re-index of one entity (after it was created, changed or deleted)."""
    payload = {"org_id": org_id, "entity_type": entity_type, "entity_id": entity_id}
    if parent_id:
        payload["parent_id"] = parent_id
    jobs.enqueue(REINDEX_JOB, payload)


def request_removal(*, org_id: str, entity_type: str, entity_ids: list[str], batch: int = 100) -> None:
    """Queue the removal of entities that are gone (e.g. a deleted task's comments), `batch` per job."""
    for start in range(0, len(entity_ids), batch):
        chunk = entity_ids[start : start + batch]
        jobs.enqueue(REMOVE_JOB, {"org_id": org_id, "entity_type": entity_type, "entity_ids": chunk})
