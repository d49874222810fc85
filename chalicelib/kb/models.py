from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute

KB_PREFIX = "KB#"


def children_partition(org_id: str, parent_id: str | None) -> str:
    """GSI1 partition of a category's direct children (`root` for the top level)."""
    return f"ORG#{org_id}#KB#{parent_id or 'root'}"


class KbCategory(Item, discriminator="KB_CATEGORY"):
    """A knowledge-base category; categories form a tree through `parent_id` (absent at the top level).

    `child_count` (articles and subcategories directly under it) is kept in every transaction that adds,
    moves or removes a child, so a non-empty category cannot be deleted. `version` is checked by hand, so
    child-count updates never touch it.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    title = UnicodeAttribute()
    content = UnicodeAttribute(null=True)
    parent_id = UnicodeAttribute(null=True)
    child_count = NumberAttribute(default=0)
    author_id = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = NumberAttribute(default=1)

    SK_PREFIX = f"{KB_PREFIX}CAT#"
    ID_PREFIX = "kbc"

    @classmethod
    def keys(cls, org_id: str, category_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{category_id}"

    def index(self) -> None:
        """GSI1: listed among its parent's children."""
        self.GSI1PK, self.GSI1SK = children_partition(self.org_id, self.parent_id), f"CAT#{self.id}"


class KbArticle(Item, discriminator="KB_ARTICLE"):
    """A knowledge-base article (Markdown); a draft is visible to its author and admins only."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    title = UnicodeAttribute()
    content = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    is_draft = BooleanAttribute(default=False)
    author_id = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = NumberAttribute(default=1)

    SK_PREFIX = f"{KB_PREFIX}DOC#"
    ID_PREFIX = "art"

    @classmethod
    def keys(cls, org_id: str, article_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{article_id}"

    def index(self) -> None:
        """GSI1: listed among its category's children."""
        self.GSI1PK, self.GSI1SK = children_partition(self.org_id, self.parent_id), f"DOC#{self.id}"


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(KbCategory, "kb_category")
sync.syncable(KbArticle, "kb_article")
