"""Search across the org: a word index in the table, prefix-matched, case- and accent-insensitive.

Domains feed it through core.indexing; the re-index runs as a background job and is idempotent: it
rewrites the entity's words from its current state.
"""

import re
import unicodedata

from chalicelib.core import indexing, jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item
from chalicelib.core.errors import ValidationFailed
from chalicelib.projects import service as projects
from chalicelib.search.models import SearchDocument, SearchToken
from chalicelib.search.schemas import SearchQuery

MAX_TOKENS_PER_ENTITY = 60
MAX_TOKEN_LENGTH = 30
CANDIDATES_PER_QUERY = 300


def tokenize(text: str) -> list[str]:
    """Distinct lower-case, accent-free words of 2+ characters, in order of appearance."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    words = (word[:MAX_TOKEN_LENGTH] for word in re.findall(r"[a-z0-9]+", plain) if len(word) >= 2)
    return list(dict.fromkeys(words))


@jobs.job(indexing.REINDEX_JOB)
def _reindex(payload: dict) -> None:
    org_id, entity_type, entity_id = payload["org_id"], payload["entity_type"], payload["entity_id"]
    document = indexing.load(
        entity_type=entity_type, org_id=org_id, entity_id=entity_id, parent_id=payload.get("parent_id")
    )
    _write(org_id, entity_type, entity_id, document)


@jobs.job(indexing.REMOVE_JOB)
def _remove(payload: dict) -> None:
    for entity_id in payload["entity_ids"]:
        _write(payload["org_id"], payload["entity_type"], entity_id, None)


def _write(org_id: str, entity_type: str, entity_id: str, document: indexing.Document | None) -> None:
    """Make the entity's stored words those of `document` (none when it is gone)."""
    stored = SearchDocument.get_or_none(*SearchDocument.keys(org_id, entity_type, entity_id))
    old = set(stored.tokens) if stored else set()
    new = tokenize(f"{document.title} {document.text}")[:MAX_TOKENS_PER_ENTITY] if document else []
    with Item.batch_write() as batch:
        for token in old - set(new):
            batch.delete(SearchToken(*SearchToken.keys(org_id, token, entity_type, entity_id)))
        for token in new:  # rewritten even when present: the title may have changed
            batch.save(
                SearchToken(
                    *SearchToken.keys(org_id, token, entity_type, entity_id),
                    entity_type=entity_type,
                    entity_id=entity_id,
                    title=document.title[:200],
                    project_id=document.project_id,
                    parent_id=document.parent_id,
                    private_to=document.private_to,
                )
            )
        if document:
            batch.save(
                SearchDocument(
                    *SearchDocument.keys(org_id, entity_type, entity_id),
                    entity_type=entity_type,
                    entity_id=entity_id,
                    tokens=new,
                )
            )
        elif stored:
            batch.delete(stored)


def search(*, principal: Principal, query: SearchQuery) -> list[dict]:
    """Entities whose words start with every word of `q`, that the caller may see; at most `limit`."""
    words = tokenize(query.q)
    if not words:
        raise ValidationFailed.field("q", "must contain at least one word of 2 or more letters or digits")
    most_selective = max(words, key=len)
    candidates = SearchToken.query(
        f"ORG#{principal.org_id}",
        SearchToken.SK.startswith(f"{SearchToken.SK_PREFIX}{most_selective}"),
        filter_condition=SearchToken.entity_type == query.type if query.type else None,
        limit=CANDIDATES_PER_QUERY,
    )
    hits: dict[tuple[str, str], SearchToken] = {}
    for token in candidates:
        hits.setdefault((token.entity_type, token.entity_id), token)
    if len(words) > 1:
        hits = _matching_all(principal.org_id, hits, words)
    hidden = set(projects.hidden_project_ids(principal=principal))
    results = [
        {
            "type": token.entity_type,
            "id": token.entity_id,
            "title": token.title,
            "project_id": token.project_id,
            "parent_id": token.parent_id,
        }
        for token in hits.values()
        if token.project_id not in hidden and _may_see_private(principal, token)
    ]
    return results[: query.limit]


def _may_see_private(principal: Principal, token: SearchToken) -> bool:
    return token.private_to is None or token.private_to == principal.user_id or principal.is_admin


def _matching_all(org_id: str, hits: dict, words: list[str]) -> dict:
    keys = [SearchDocument.keys(org_id, entity_type, entity_id) for entity_type, entity_id in hits]
    documents = {}
    for start in range(0, len(keys), 100):
        for document in SearchDocument.batch_get(keys[start : start + 100]):
            documents[(document.entity_type, document.entity_id)] = document.tokens
    return {
        key: token
        for key, token in hits.items()
        if all(any(have.startswith(word) for have in documents.get(key, [])) for word in words)
    }
