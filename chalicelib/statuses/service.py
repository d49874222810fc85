"""The org's task workflow: built-in and custom statuses, their order, and what completing one does."""

import hashlib
import re

from chalicelib.audit import service as audit
from chalicelib.core import jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, key_prefix, transact
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.ranks import after
from chalicelib.core.timeutil import utcnow
from chalicelib.statuses.models import StatusUsage, TaskStatus
from chalicelib.statuses.schemas import StatusCreate, StatusReorder, StatusUpdate

DEFAULT_STATUS = "open"
STATUS_DELETED_JOB = "task_status_deleted"  # the tasks domain moves the status's tasks to DEFAULT_STATUS
# code, label, color, position, terminal: present in every org from the start.
_BUILTINS = (
    ("open", "Open", "#64748b", "a", False),
    ("in_progress", "In Progress", "#3b82f6", "b", False),
    ("done", "Done", "#22c55e", "c", True),
    ("closed", "Closed", "#6b7280", "d", True),
)
BUILTIN_CODES = frozenset(code for code, *_ in _BUILTINS)
# Bounds the list and keeps a reorder (one write per status + its audit entry) within one transaction.
MAX_STATUSES = 50
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")  # the shape schemas.StatusCode admits


def _builtin_id(org_id: str, code: str) -> str:
    """A stable `ts_` id for a built-in status, the same on every read, before it is ever stored."""
    digest = int.from_bytes(hashlib.sha256(f"{org_id}:{code}".encode()).digest()[:17], "big")
    chars = []
    for _ in range(26):
        digest, remainder = divmod(digest, 32)
        chars.append(_CROCKFORD[remainder])
    return "ts_0" + "".join(chars[1:])


def _builtin(org_id: str, code: str, label: str, color: str, position: str, terminal: bool) -> TaskStatus:
    pk, sk = TaskStatus.keys(org_id, code)
    return TaskStatus(
        PK=pk,
        SK=sk,
        id=_builtin_id(org_id, code),
        org_id=org_id,
        code=code,
        label=label,
        color=color,
        position=position,
        is_terminal=terminal,
        builtin=True,
    )


def _merged(org_id: str, stored: list[TaskStatus]) -> list[TaskStatus]:
    by_stored_code = {status.code: status for status in stored}
    statuses = {code: by_stored_code.get(code) or _builtin(org_id, code, *rest) for code, *rest in _BUILTINS}
    statuses.update(by_stored_code)
    return sorted(statuses.values(), key=lambda status: (status.position, status.code))


def list_statuses(*, org_id: str) -> list[TaskStatus]:
    """Every status of the org in workflow order (one Query)."""
    return _merged(org_id, list(TaskStatus.query(f"ORG#{org_id}", key_prefix(TaskStatus.SK, TaskStatus.SK_PREFIX))))


def list_with_following(*, org_id: str, through_sort_key: str) -> tuple[list[TaskStatus], list[Item]]:
    """The statuses plus the org's items whose sort keys follow them up to `through_sort_key`, in one Query.

    Lets a caller whose derived data is keyed right after the statuses (task counters) read both at once.
    """
    found = list(Item.query(f"ORG#{org_id}", Item.SK.between(TaskStatus.SK_PREFIX, through_sort_key)))
    stored = [item for item in found if isinstance(item, TaskStatus)]
    return _merged(org_id, stored), [item for item in found if not isinstance(item, TaskStatus)]


def by_code(*, org_id: str) -> dict[str, TaskStatus]:
    """The org's statuses keyed by code."""
    return {status.code: status for status in list_statuses(org_id=org_id)}


def record_keys(*, org_id: str, codes: set) -> list[tuple[str, str]]:
    """Where the statuses with these codes are stored, for callers that read them ahead (core.db.prefetch)."""
    valid = sorted(code for code in codes if isinstance(code, str) and _CODE.fullmatch(code))
    return [TaskStatus.keys(org_id, code) for code in valid]


class Workflow:
    """The org's statuses looked up one code at a time (a Get each, or a prefetched read), never all at once.

    Saving a task needs two or three statuses of the org's up to 50: reading just those keeps a task write
    within its read budget (decision 100). Behaves like the mapping `by_code` returns.
    """

    def __init__(self, org_id: str) -> None:
        self._org_id = org_id
        self._known: dict[str, TaskStatus | None] = {}

    def get(self, code: str, default: TaskStatus | None = None) -> TaskStatus | None:
        if code not in self._known:
            self._known[code] = _one(self._org_id, code)
        return self._known[code] or default

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def __getitem__(self, code: str) -> TaskStatus:
        status = self.get(code)
        if status is None:
            raise KeyError(code)
        return status


def _one(org_id: str, code: str) -> TaskStatus | None:
    if not _CODE.fullmatch(code):
        return None
    stored = TaskStatus.get_or_none(*TaskStatus.keys(org_id, code))
    if stored is not None:
        return stored
    builtin = next((rest for builtin_code, *rest in _BUILTINS if builtin_code == code), None)
    return _builtin(org_id, code, *builtin) if builtin else None


def workflow(*, org_id: str) -> Workflow:
    """The org's statuses, read only as each code is asked for."""
    return Workflow(org_id)


def require(*, org_id: str, code: str, field: str = "status") -> TaskStatus:
    """The status with this code (one read), or a 400 naming `field` and the valid codes."""
    status = Workflow(org_id).get(code)
    if status is None:
        raise ValidationFailed.field(field, f"must be one of: {', '.join(by_code(org_id=org_id))}")
    return status


def _by_id(org_id: str, status_id: str) -> TaskStatus:
    for status in list_statuses(org_id=org_id):
        if status.id == status_id:
            return status
    raise NotFound("Task status not found.")


def count_usage(tx, *, org_id: str, code: str, delta: int) -> None:
    """Add `delta` tasks to a status's usage counter in `tx` (the task domain calls this on every change)."""
    tx.update(
        StatusUsage(*StatusUsage.keys(org_id, code)),
        actions=[StatusUsage.count.add(delta), StatusUsage.entity.set(StatusUsage)],
    )


def next_after_progress(*, status: TaskStatus, progress: int | None) -> str | None:
    """The status a task moves to when its progress reaches 100 in `status` (auto-advance), if any."""
    if status.supports_progress and status.on_complete == "auto_advance" and progress == 100:
        return status.next_status_code
    return None


def _check_next(org_id: str, code: str | None, own_code: str) -> None:
    if code is None:
        return
    if code == own_code:
        raise ValidationFailed.field("next_status_code", "cannot be the status itself")
    require(org_id=org_id, code=code, field="next_status_code")


def create(*, principal: Principal, body: StatusCreate) -> TaskStatus:
    """A custom status (admins); codes are unique in the org."""
    principal.require_admin()
    if body.code in BUILTIN_CODES:
        raise Conflict(f"'{body.code}' is a built-in status.")
    _check_next(principal.org_id, body.next_status_code, body.code)
    existing = list_statuses(org_id=principal.org_id)
    if len(existing) >= MAX_STATUSES:
        raise ValidationFailed(f"An organization can have at most {MAX_STATUSES} task statuses.")
    now = utcnow()
    pk, sk = TaskStatus.keys(principal.org_id, body.code)
    status = TaskStatus(
        PK=pk,
        SK=sk,
        id=new_id("ts"),
        org_id=principal.org_id,
        **body.model_dump(),
        position=after(existing[-1].position if existing else None),
        created_at=now,
        updated_at=now,
    )

    def write(tx) -> None:
        tx.save(status, condition=TaskStatus.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="task_status",
            entity_id=status.id,
            changes=audit.diff({}, body.model_dump()),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise Conflict(f"A status with code '{body.code}' already exists.") from error
    return status


def update(*, principal: Principal, status_id: str, changes: StatusUpdate) -> TaskStatus:
    """Change a status's label, color or workflow (admins); built-ins can be customised too."""
    principal.require_admin()
    status = _by_id(principal.org_id, status_id)
    fields = changes.model_dump(exclude_unset=True)
    for name in ("label", "color", "is_terminal", "supports_progress", "progress_editable", "on_complete"):
        if name in fields and fields[name] is None:
            raise ValidationFailed.field(name, "cannot be null")
    if "next_status_code" in fields:
        _check_next(principal.org_id, fields["next_status_code"], status.code)
    before = {name: getattr(status, name) for name in fields}
    for name, value in fields.items():
        setattr(status, name, value)
    status.updated_at = utcnow()
    status.created_at = status.created_at or status.updated_at

    def write(tx) -> None:
        tx.save(status, condition=_still_there(status))
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="task_status",
            entity_id=status.id,
            changes=audit.diff(before, fields),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Task status not found.") from error
    return status


def _still_there(status: TaskStatus):
    """A custom status is rewritten only if it was not deleted meanwhile (a put would bring it back)."""
    return None if status.builtin else TaskStatus.PK.exists()


def delete(*, principal: Principal, status_id: str) -> None:
    """Delete a custom status (admins); its tasks move to the default status in the background (decision 74)."""
    principal.require_admin()
    status = _by_id(principal.org_id, status_id)
    if status.builtin:
        raise Conflict("Built-in statuses cannot be deleted.")
    referrers = [s.code for s in list_statuses(org_id=principal.org_id) if s.next_status_code == status.code]
    if referrers:
        raise Conflict(f"Statuses {', '.join(referrers)} advance to this status; change them first.")

    def write(tx) -> None:
        tx.delete(status, condition=TaskStatus.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="task_status",
            entity_id=status.id,
            changes={"code": {"from": status.code, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Task status not found.") from error
    payload = {"org_id": principal.org_id, "code": status.code, "actor_id": principal.user_id}
    jobs.enqueue(STATUS_DELETED_JOB, payload | {"actor_role": principal.role})


def reorder(*, principal: Principal, body: StatusReorder) -> list[TaskStatus]:
    """Put the statuses in the given order (admins); `order` must list every status id exactly once."""
    principal.require_admin()
    statuses = {status.id: status for status in list_statuses(org_id=principal.org_id)}
    if sorted(body.order) != sorted(statuses):
        raise ValidationFailed.field("order", "must list every status id of the organization exactly once")
    now, position = utcnow(), None

    def write(tx) -> None:
        nonlocal position
        for status_id in body.order:
            status = statuses[status_id]
            position = after(position)
            status.position, status.updated_at = position, now
            status.created_at = status.created_at or now
            tx.save(status, condition=_still_there(status))
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="reordered",
            entity_type="task_status",
            changes={"order": {"from": None, "to": body.order}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise Conflict("A status was deleted meanwhile; reload the workflow and retry.") from error
    return list_statuses(org_id=principal.org_id)
