"""Knowledge base: a tree of categories holding Markdown articles; drafts are seen by their author and admins.

Categories are managed by admins; any member writes articles, which their author or an admin may change.
The tree stays acyclic under concurrent moves: a move re-checks, in its transaction, that every ancestor of
the new parent still has the parent it had during the cycle check (docs/decisions.md 32).
"""

import hashlib

from chalicelib.audit import service as audit
from chalicelib.core import indexing
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, key_prefix, transact
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, any_of, query_page
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.kb.models import KB_PREFIX, KbArticle, KbCategory, children_partition
from chalicelib.kb.schemas import KbCreate, KbFilters, KbUpdate

MAX_DEPTH = 20  # levels of categories; also bounds the ancestor walk and the move transaction's size
MOVE_ATTEMPTS = 3
NOT_FOUND = "Knowledge base item not found."
NOT_A_CATEGORY = "is not a knowledge base category of this organization"
_FIELDS = ("title", "content", "parent_id", "is_draft")

KbItem = KbCategory | KbArticle


# --- reading -------------------------------------------------------------------------------------------------


def _model(item_id: str) -> type[KbCategory] | type[KbArticle] | None:
    for model in (KbCategory, KbArticle):
        if is_id(item_id, model.ID_PREFIX):
            return model
    return None


def _may_see(principal: Principal, item: KbItem) -> bool:
    is_hidden_draft = isinstance(item, KbArticle) and item.is_draft and item.author_id != principal.user_id
    return not is_hidden_draft or principal.is_admin


def get(*, principal: Principal, item_id: str, consistent: bool = False) -> KbItem:
    """An article or category of the caller's org that the caller may see, or 404."""
    model = _model(item_id)
    item = model.get_or_none(*model.keys(principal.org_id, item_id), consistent=consistent) if model else None
    if item is None or not _may_see(principal, item):
        raise NotFound(NOT_FOUND)
    return item


def _category(org_id: str, category_id: str) -> KbCategory | None:
    if not is_id(category_id, KbCategory.ID_PREFIX):
        return None
    return KbCategory.get_or_none(*KbCategory.keys(org_id, category_id), consistent=True)


def _require_parent(principal: Principal, parent_id: str) -> KbCategory:
    parent = _category(principal.org_id, parent_id)
    if parent is None:
        raise ValidationFailed.field("parent_id", NOT_A_CATEGORY)
    return parent


def _ancestors(org_id: str, category: KbCategory) -> list[KbCategory]:
    """`category` and every category above it, nearest first (strongly consistent reads, bounded)."""
    chain, seen = [category], {category.id}
    while chain[-1].parent_id:
        if len(chain) >= MAX_DEPTH:
            raise ValidationFailed.field("parent_id", f"categories nest at most {MAX_DEPTH} levels deep")
        parent = _category(org_id, chain[-1].parent_id)
        if parent is None or parent.id in seen:  # a parent deleted meanwhile: the transaction will notice
            break
        chain.append(parent)
        seen.add(parent.id)
    return chain


def list_items(*, principal: Principal, filters: KbFilters) -> Page:
    """Categories, then articles, oldest first; drafts only the caller's own (all of them for admins)."""
    org = principal.org_id
    kinds = {"category": "CAT#", "article": "DOC#", None: ""}[filters.type]
    visible = None
    if not principal.is_admin:
        visible = any_of(
            [
                KbArticle.is_draft.does_not_exist(),  # categories
                KbArticle.is_draft == False,  # noqa: E712  (a DynamoDB condition, not a comparison)
                KbArticle.author_id == principal.user_id,
            ]
        )
    if filters.parent_id:
        parent_id = None if filters.parent_id == "root" else _require_parent(principal, filters.parent_id).id
        hash_key, index = children_partition(org, parent_id), Item.gsi1
        key_condition = key_prefix(Item.GSI1SK, kinds) if kinds else None
    else:
        hash_key, index = f"ORG#{org}", None
        key_condition = key_prefix(Item.SK, f"{KB_PREFIX}{kinds}")
    return query_page(
        Item,
        hash_key,
        index=index,
        range_key_condition=key_condition,
        filter_condition=all_of([visible, changed_since(KbArticle, filters.updated_since)]),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{org}:kb:{hash_key}:{kinds}",
    )


# --- writing -------------------------------------------------------------------------------------------------


def _require_edit(principal: Principal, item: KbItem) -> None:
    if isinstance(item, KbCategory):
        if not principal.is_admin:
            raise Forbidden("Only admins and owners manage knowledge base categories.")
    elif item.author_id != principal.user_id and not principal.is_admin:
        raise Forbidden("Only the article's author or an admin can change it.")


def _content_marker(content: str | None) -> str | None:
    """What the audit log keeps of a (possibly long) Markdown text: its length and a digest."""
    if content is None:
        return None
    return f"{len(content)} chars, sha256 {hashlib.sha256(content.encode()).hexdigest()[:12]}"


def _snapshot(item: KbItem) -> dict:
    snapshot = {name: getattr(item, name, None) for name in _FIELDS}
    snapshot["content"] = _content_marker(item.content)
    return snapshot


def _type_name(item: KbItem) -> str:
    return "article" if isinstance(item, KbArticle) else "kb_category"


class _CategoryWrites:
    """Child-count changes and parent checks on categories, merged so each category is written once."""

    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self.deltas: dict[str, int] = {}
        self.conditions: dict[str, list] = {}

    def count(self, category_id: str, delta: int) -> None:
        self.deltas[category_id] = self.deltas.get(category_id, 0) + delta
        guard = KbCategory.child_count > 0 if delta < 0 else KbCategory.PK.exists()
        self.conditions.setdefault(category_id, []).append(guard)

    def keep_parent(self, category: KbCategory) -> None:
        """The category must still exist and sit where it was read (under the same parent)."""
        same_parent = (
            KbCategory.parent_id == category.parent_id if category.parent_id else KbCategory.parent_id.does_not_exist()
        )
        self.conditions.setdefault(category.id, []).append(KbCategory.PK.exists() & same_parent)

    def add_to(self, tx) -> None:
        for category_id, conditions in self.conditions.items():
            keys = KbCategory.keys(self.org_id, category_id)
            delta = self.deltas.get(category_id, 0)
            if delta:
                tx.update(KbCategory(*keys), actions=[KbCategory.child_count.add(delta)], condition=all_of(conditions))
            else:
                tx.condition_check(KbCategory, *keys, condition=all_of(conditions))


def create(*, principal: Principal, body: KbCreate) -> KbItem:
    """A new article (any member) or category (admins), optionally under a category."""
    if body.type == "category":
        if not principal.is_admin:
            raise Forbidden("Only admins and owners manage knowledge base categories.")
        if body.is_draft is not None:
            raise ValidationFailed.field("is_draft", "applies to articles only")
    parent = _require_parent(principal, body.parent_id) if body.parent_id else None
    if parent is not None and body.type == "category" and len(_ancestors(principal.org_id, parent)) >= MAX_DEPTH:
        raise ValidationFailed.field("parent_id", f"categories nest at most {MAX_DEPTH} levels deep")
    now = utcnow()
    common = {
        "org_id": principal.org_id,
        "title": body.title,
        "parent_id": parent.id if parent else None,
        "author_id": principal.user_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    if body.type == "category":
        item_id = new_id(KbCategory.ID_PREFIX)
        item: KbItem = KbCategory(
            *KbCategory.keys(principal.org_id, item_id), id=item_id, content=body.content, child_count=0, **common
        )
    else:
        item_id = new_id(KbArticle.ID_PREFIX)
        item = KbArticle(
            *KbArticle.keys(principal.org_id, item_id),
            id=item_id,
            content=body.content or "",
            is_draft=bool(body.is_draft),
            **common,
        )
    item.index()
    parents = _CategoryWrites(principal.org_id)
    if parent:
        parents.count(parent.id, +1)

    def write(tx) -> None:
        tx.save(item, condition=type(item).PK.does_not_exist())
        parents.add_to(tx)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type=_type_name(item),
            entity_id=item.id,
            changes=audit.diff({}, _snapshot(item)),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        if parent and error.failed(*KbCategory.keys(principal.org_id, parent.id)):
            raise ValidationFailed.field("parent_id", NOT_A_CATEGORY) from error
        raise
    _reindex(item)
    return item


def _checked_fields(item: KbItem, fields: dict) -> dict:
    for name in ("title", "is_draft"):
        if name in fields and fields[name] is None:
            raise ValidationFailed.field(name, "cannot be null")
    if isinstance(item, KbCategory) and "is_draft" in fields:
        raise ValidationFailed.field("is_draft", "applies to articles only")
    if isinstance(item, KbArticle) and "content" in fields and fields["content"] is None:
        fields["content"] = ""
    return fields


def update(*, principal: Principal, item_id: str, changes: KbUpdate) -> KbItem:
    """Edit, publish/unpublish or move an item; a move that would put a category under itself is a 409."""
    fields = changes.model_dump(exclude_unset=True)
    expected_version = fields.pop("version", None)
    for _attempt in range(MOVE_ATTEMPTS):
        item = get(principal=principal, item_id=item_id, consistent=True)
        _require_edit(principal, item)
        if expected_version is not None and expected_version != item.version:
            raise _stale(item)
        _checked_fields(item, fields)
        saved = _save(principal, item, fields)
        if saved is not None:
            _reindex(saved)
            return saved
    raise Conflict("The knowledge base kept changing while this item was being moved; retry.")


def _stale(item: KbItem) -> Conflict:
    return Conflict(
        f"This item was changed by someone else (it is at version {item.version}); reload and retry.",
        details=[{"field": "version", "message": f"is {item.version} now"}],
    )


def _save(principal: Principal, item: KbItem, fields: dict) -> KbItem | None:
    """Write the changes; None when the tree changed under a move (the caller looks again)."""
    model = type(item)
    before = _snapshot(item)
    old_parent, new_parent_id = item.parent_id, fields.get("parent_id", item.parent_id)
    parents = _CategoryWrites(principal.org_id)
    if new_parent_id != old_parent:
        if new_parent_id:
            chain = _ancestors(principal.org_id, _require_parent(principal, new_parent_id))
            if isinstance(item, KbCategory):
                if any(category.id == item.id for category in chain):
                    raise Conflict(
                        "A category cannot be moved under itself or one of its subcategories.",
                        details=[{"field": "parent_id", "message": "is this category or one of its subcategories"}],
                    )
                if len(chain) >= MAX_DEPTH:  # checked where it lands; its own subcategories are not walked
                    raise ValidationFailed.field("parent_id", f"categories nest at most {MAX_DEPTH} levels deep")
                for ancestor in chain:  # the walk above must still hold when the move commits
                    parents.keep_parent(ancestor)
            parents.count(new_parent_id, +1)
        if old_parent:
            parents.count(old_parent, -1)
    for name, value in fields.items():
        setattr(item, name, value)
    changed = audit.diff(before, _snapshot(item))
    if not changed:
        return item
    old_version = item.version
    item.version, item.updated_at = old_version + 1, utcnow()
    item.index()
    names = [name for name in fields if name in changed]
    actions = [
        getattr(model, name).set(getattr(item, name))
        if getattr(item, name) is not None
        else getattr(model, name).remove()
        for name in names
    ]
    actions += [
        model.updated_at.set(item.updated_at),
        model.version.set(item.version),
        model.GSI1PK.set(item.GSI1PK),
        model.GSI1SK.set(item.GSI1SK),
    ]

    def write(tx) -> None:
        tx.update(item, actions=actions, condition=model.version == old_version)
        parents.add_to(tx)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type=_type_name(item),
            entity_id=item.id,
            changes=changed,
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        if error.failed(*model.keys(principal.org_id, item.id)):
            item.version = old_version
            raise _stale(item) from error
        if parents.conditions:
            return None  # a parent or ancestor moved or vanished since it was read: check again
        raise
    return item


def delete(*, principal: Principal, item_id: str) -> None:
    """Delete an article (its author or an admin) or an empty category (admins); a category in use is a 409."""
    item = get(principal=principal, item_id=item_id, consistent=True)
    _require_edit(principal, item)
    model = type(item)
    if isinstance(item, KbCategory) and item.child_count:
        raise _not_empty()
    parents = _CategoryWrites(principal.org_id)
    if item.parent_id:
        parents.count(item.parent_id, -1)
    condition = model.PK.exists()
    if isinstance(item, KbCategory):
        condition &= (KbCategory.child_count == 0) | KbCategory.child_count.does_not_exist()

    def write(tx) -> None:
        tx.delete(item, condition=condition)
        parents.add_to(tx)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type=_type_name(item),
            entity_id=item.id,
            changes=audit.diff(_snapshot(item), {}),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        if not error.failed(*model.keys(principal.org_id, item.id)):
            raise
        if isinstance(item, KbCategory) and _category(principal.org_id, item.id) is not None:
            raise _not_empty() from error
        raise NotFound(NOT_FOUND) from error
    _reindex(item)


def _not_empty() -> Conflict:
    return Conflict(
        "This category still holds articles or subcategories; move or delete them first.",
        details=[{"field": "id", "message": "category is not empty"}],
    )


# --- search --------------------------------------------------------------------------------------------------


def _reindex(item: KbItem) -> None:
    if isinstance(item, KbArticle):
        indexing.request_reindex(org_id=item.org_id, entity_type="article", entity_id=item.id)


def _search_document(*, org_id: str, entity_id: str) -> indexing.Document | None:
    """An article is found by its title and Markdown; a draft only by its author (and admins)."""
    article = KbArticle.get_or_none(*KbArticle.keys(org_id, entity_id)) if is_id(entity_id, "art") else None
    if article is None:
        return None
    return indexing.Document(
        title=article.title,
        text=article.content,
        parent_id=article.parent_id,
        private_to=article.author_id if article.is_draft else None,
    )


indexing.register_source("article", _search_document)
