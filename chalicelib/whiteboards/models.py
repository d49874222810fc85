import json

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core import sync
from chalicelib.core.db import Item, TimestampAttribute


class Whiteboard(Item, discriminator="WHITEBOARD"):
    """A board: its scene is the client's JSON document, stored as compact text and replaced on each save.

    `version` is checked by hand on every save (409 on a stale one); `share_count` counts its share links,
    kept in the transactions that create and revoke them.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    title = UnicodeAttribute()
    scene = UnicodeAttribute()
    scene_bytes = NumberAttribute()
    created_by = UnicodeAttribute()
    updated_by = UnicodeAttribute(null=True)  # absent when the last save came through an edit link
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = NumberAttribute(default=1)
    share_count = NumberAttribute(default=0)

    SK_PREFIX = "WHITEBOARD#"

    @classmethod
    def keys(cls, org_id: str, whiteboard_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{whiteboard_id}"

    def scene_document(self) -> dict:
        """The scene as the client sent it."""
        return json.loads(self.scene)


class WhiteboardShare(Item, discriminator="WHITEBOARD_SHARE"):
    """A share link. Keyed by the SHA-256 of its secret token (never stored), so opening it is one GetItem."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    whiteboard_id = UnicodeAttribute()
    permission = UnicodeAttribute()  # view | edit
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()

    @staticmethod
    def keys(token_digest: str) -> tuple[str, str]:
        return f"WBSHARE#{token_digest}", "WBSHARE"

    @staticmethod
    def board_partition(org_id: str, whiteboard_id: str) -> str:
        return f"ORG#{org_id}#WB#{whiteboard_id}#SHARES"

    def index(self) -> None:
        """GSI1: the board's links, oldest first."""
        self.GSI1PK, self.GSI1SK = self.board_partition(self.org_id, self.whiteboard_id), self.id


# Deleting one leaves a tombstone for syncing clients (core.sync, docs/sync.md).
sync.syncable(Whiteboard, "whiteboard")
