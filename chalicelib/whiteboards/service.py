"""Whiteboards: a JSON scene per board, saved whole with optimistic locking, shared by revocable links.

Every member of the org may open and save the org's boards; the board's creator or an admin deletes it and
manages its share links. A link's token is shown once and stored only as its SHA-256 (docs/decisions.md 33).
"""

import json
from typing import Any

from chalicelib.audit import service as audit
from chalicelib.audit.service import Actor
from chalicelib.core.auth import Principal
from chalicelib.core.config import get_settings
from chalicelib.core.db import TransactionCancelled, key_prefix, transact
from chalicelib.core.errors import Conflict, Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.security import digest, new_secret
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.whiteboards.models import Whiteboard, WhiteboardShare
from chalicelib.whiteboards.schemas import ShareCreate, WhiteboardCreate, WhiteboardFilters, WhiteboardSave

MAX_SCENE_BYTES = 300_000  # compact UTF-8 JSON; the item must stay under DynamoDB's 400 KB
MAX_SHARES_PER_BOARD = 20
SHARE_TOKEN_PREFIX = "stint_wb_"
NOT_FOUND = "Whiteboard not found."


# --- boards --------------------------------------------------------------------------------------------------


def _scene_text(scene: dict[str, Any]) -> str:
    """The scene as stored: compact JSON, refused (413 naming `scene`) above MAX_SCENE_BYTES."""
    text = json.dumps(scene, separators=(",", ":"), ensure_ascii=False)
    size = len(text.encode())
    if size > MAX_SCENE_BYTES:
        message = f"is {size} bytes as compact JSON; at most {MAX_SCENE_BYTES} are accepted"
        raise PayloadTooLarge(f"scene: {message}", details=[{"field": "scene", "message": message}])
    return text


def _find(org_id: str, whiteboard_id: str, *, consistent: bool = False) -> Whiteboard | None:
    if not is_id(whiteboard_id, "wb"):
        return None
    return Whiteboard.get_or_none(*Whiteboard.keys(org_id, whiteboard_id), consistent=consistent)


def get(*, principal: Principal, whiteboard_id: str) -> Whiteboard:
    """One of the org's boards, or 404."""
    board = _find(principal.org_id, whiteboard_id, consistent=True)
    if board is None:
        raise NotFound(NOT_FOUND)
    return board


def _require_owner_or_admin(principal: Principal, board: Whiteboard, action: str) -> None:
    if board.created_by != principal.user_id and not principal.is_admin:
        raise Forbidden(f"Only the board's creator or an admin can {action}.")


def list_boards(*, principal: Principal, filters: WhiteboardFilters) -> Page:
    """The org's boards, newest first (without their scenes)."""
    return query_page(
        Whiteboard,
        f"ORG#{principal.org_id}",
        range_key_condition=key_prefix(Whiteboard.SK, Whiteboard.SK_PREFIX),
        filter_condition=changed_since(Whiteboard, filters.updated_since),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        scope=f"{principal.org_id}:whiteboards",
    )


def create(*, principal: Principal, body: WhiteboardCreate) -> Whiteboard:
    """A new board at version 1."""
    scene, now, board_id = _scene_text(body.scene), utcnow(), new_id("wb")
    board = Whiteboard(
        *Whiteboard.keys(principal.org_id, board_id),
        id=board_id,
        org_id=principal.org_id,
        title=body.title,
        scene=scene,
        scene_bytes=len(scene.encode()),
        created_by=principal.user_id,
        updated_by=principal.user_id,
        created_at=now,
        updated_at=now,
        version=1,
        share_count=0,
    )

    def write(tx) -> None:
        tx.save(board, condition=Whiteboard.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="whiteboard",
            entity_id=board.id,
            changes=audit.diff({}, {"title": board.title, "scene_bytes": board.scene_bytes}),
        )

    transact(write)
    return board


def save(*, principal: Principal, whiteboard_id: str, body: WhiteboardSave) -> Whiteboard:
    """Replace the scene and/or title of the version the caller loaded; 409 if someone saved since."""
    board = get(principal=principal, whiteboard_id=whiteboard_id)
    return _save(board, body, actor=principal, action="updated")


def _save(
    board: Whiteboard, body: WhiteboardSave, *, actor: Principal | Actor, action: str, share_id: str | None = None
) -> Whiteboard:
    if "title" in body.model_fields_set and body.title is None:
        raise ValidationFailed.field("title", "cannot be null")
    if "scene" in body.model_fields_set and body.scene is None:
        raise ValidationFailed.field("scene", "cannot be null")
    if body.version != board.version:
        raise _stale(board)
    scene = _scene_text(body.scene) if body.scene is not None else board.scene
    loaded = int(board.version)
    changes = {"version": {"from": loaded, "to": loaded + 1}}
    if share_id:
        changes["via_share_id"] = {"from": None, "to": share_id}
    if body.title is not None and body.title != board.title:
        changes["title"] = {"from": board.title, "to": body.title}
    if scene != board.scene:
        changes["scene_bytes"] = {"from": int(board.scene_bytes), "to": len(scene.encode())}
    board.title, board.scene, board.scene_bytes = body.title or board.title, scene, len(scene.encode())
    board.version, board.updated_at = loaded + 1, utcnow()
    board.updated_by = actor.user_id
    actions = [
        Whiteboard.title.set(board.title),
        Whiteboard.scene.set(board.scene),
        Whiteboard.scene_bytes.set(board.scene_bytes),
        Whiteboard.version.set(board.version),
        Whiteboard.updated_at.set(board.updated_at),
        Whiteboard.updated_by.set(board.updated_by) if board.updated_by else Whiteboard.updated_by.remove(),
    ]

    def write(tx) -> None:
        tx.update(board, actions=actions, condition=Whiteboard.version == loaded)
        audit.record(
            tx,
            org_id=board.org_id,
            actor=actor,
            action=action,
            entity_type="whiteboard",
            entity_id=board.id,
            changes=changes,
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        current = _find(board.org_id, board.id, consistent=True)
        if current is None:
            raise NotFound(NOT_FOUND) from error
        raise _stale(current) from error
    return board


def _stale(board: Whiteboard) -> Conflict:
    return Conflict(
        f"The whiteboard was saved by someone else (it is at version {board.version}); reload and merge.",
        details=[{"field": "version", "message": f"is {board.version} now"}],
    )


def delete(*, principal: Principal, whiteboard_id: str) -> None:
    """Delete a board and every share link to it (its creator or an admin)."""
    for _attempt in range(3):
        board = get(principal=principal, whiteboard_id=whiteboard_id)
        _require_owner_or_admin(principal, board, "delete it")
        shares = _shares(board.org_id, board.id)
        expected = int(board.share_count or 0)
        if len(shares) != expected:  # the link index lags a link created a moment ago: read it again
            continue

        def write(tx, board=board, shares=shares, expected=expected) -> None:
            tx.delete(board, condition=Whiteboard.share_count == expected)
            for share in shares:
                tx.delete(share)
            audit.record(
                tx,
                org_id=principal.org_id,
                actor=principal,
                action="deleted",
                entity_type="whiteboard",
                entity_id=board.id,
                changes={"title": {"from": board.title, "to": None}},
            )

        try:
            transact(write)
            return
        except TransactionCancelled:
            continue  # a link was added or revoked meanwhile
    raise Conflict("The whiteboard's share links kept changing; retry.")


# --- share links ---------------------------------------------------------------------------------------------


def _shares(org_id: str, whiteboard_id: str) -> list[WhiteboardShare]:
    partition = WhiteboardShare.board_partition(org_id, whiteboard_id)
    return list(WhiteboardShare.gsi1.query(partition, limit=MAX_SHARES_PER_BOARD + 1))


def share_url(token: str) -> str:
    """Where a share link opens the board through the API."""
    return f"{get_settings().public_base_url.rstrip('/')}/api/v1/whiteboards/share?token={token}"


def create_share(*, principal: Principal, body: ShareCreate) -> tuple[WhiteboardShare, str]:
    """A new view or edit link to a board (its creator or an admin); returns the link and its token (once)."""
    board = _find(principal.org_id, body.whiteboard_id, consistent=True)
    if board is None:
        raise ValidationFailed.field("whiteboard_id", "is not a whiteboard of this organization")
    _require_owner_or_admin(principal, board, "share it")
    token = new_secret(SHARE_TOKEN_PREFIX)
    share = WhiteboardShare(
        *WhiteboardShare.keys(digest(token)),
        id=new_id("wbs"),
        org_id=principal.org_id,
        whiteboard_id=board.id,
        permission=body.permission,
        created_by=principal.user_id,
        created_at=utcnow(),
    )
    share.index()

    def write(tx) -> None:
        tx.save(share, condition=WhiteboardShare.PK.does_not_exist())
        tx.update(
            Whiteboard(*Whiteboard.keys(board.org_id, board.id)),
            actions=[Whiteboard.share_count.add(1)],
            condition=Whiteboard.PK.exists() & (Whiteboard.share_count < MAX_SHARES_PER_BOARD),
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="shared",
            entity_type="whiteboard",
            entity_id=board.id,
            changes={"share_id": {"from": None, "to": share.id}, "permission": {"from": None, "to": share.permission}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        current = _find(board.org_id, board.id, consistent=True)
        if current is None:
            raise ValidationFailed.field("whiteboard_id", "is not a whiteboard of this organization") from error
        raise Conflict(f"A whiteboard can have at most {MAX_SHARES_PER_BOARD} share links.") from error
    return share, token


def list_shares(*, principal: Principal, whiteboard_id: str) -> list[WhiteboardShare]:
    """A board's share links, oldest first (without their tokens)."""
    board = get(principal=principal, whiteboard_id=whiteboard_id)
    _require_owner_or_admin(principal, board, "see its share links")
    return _shares(board.org_id, board.id)[:MAX_SHARES_PER_BOARD]


def revoke_share(*, principal: Principal, whiteboard_id: str, share_id: str) -> None:
    """Revoke a link (the board's creator or an admin): it opens nothing from now on."""
    board = get(principal=principal, whiteboard_id=whiteboard_id)
    _require_owner_or_admin(principal, board, "revoke its share links")
    share = next((share for share in _shares(board.org_id, board.id) if share.id == share_id), None)
    if share is None:
        raise NotFound("Share link not found.")

    def write(tx) -> None:
        tx.delete(share, condition=WhiteboardShare.PK.exists())
        tx.update(
            Whiteboard(*Whiteboard.keys(board.org_id, board.id)),
            actions=[Whiteboard.share_count.add(-1)],
            condition=Whiteboard.share_count > 0,
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="unshared",
            entity_type="whiteboard",
            entity_id=board.id,
            changes={"share_id": {"from": share.id, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Share link not found.") from error


def _shared(token: str) -> tuple[Whiteboard, WhiteboardShare]:
    share = WhiteboardShare.get_or_none(*WhiteboardShare.keys(digest(token)), consistent=True)
    board = _find(share.org_id, share.whiteboard_id, consistent=True) if share else None
    if share is None or board is None:
        raise NotFound("This share link does not exist or was revoked.")
    return board, share


def open_shared(*, token: str) -> tuple[Whiteboard, WhiteboardShare]:
    """The board a share link opens, and the link (its permission); no account needed."""
    return _shared(token)


def save_shared(
    *, token: str, body: WhiteboardSave, ip: str | None, user_agent: str | None
) -> tuple[Whiteboard, WhiteboardShare]:
    """Save through an edit link (403 for a view link), with the same version check as members' saves.

    The audit entry has no user: it names the link (`share_id`) and the caller's address.
    """
    board, share = _shared(token)
    if share.permission != "edit":
        raise Forbidden("This share link only allows viewing the whiteboard.")
    actor = Actor(user_id=None, ip=ip, user_agent=user_agent)
    return _save(board, body, actor=actor, action="updated_via_link", share_id=share.id), share
