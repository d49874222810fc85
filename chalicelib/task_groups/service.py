"""Task groups: the sections of a project's board, their order, and which of them each user has collapsed."""

from datetime import datetime

from chalicelib.audit import service as audit
from chalicelib.core import jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, transact
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.ranks import after, between
from chalicelib.core.timeutil import utcnow
from chalicelib.projects import service as projects
from chalicelib.task_groups.models import CollapsedTaskGroups, TaskGroup, TaskGroupCount
from chalicelib.task_groups.schemas import CollapsedBulk, TaskGroupCreate, TaskGroupReorder, TaskGroupUpdate
from chalicelib.tasks import service as tasks

TASK_GROUP_DELETED_JOB = "task_group_deleted"
# A reorder may rewrite every group but one, plus the count check and its audit entry: one transaction (≤ 100).
MAX_GROUPS_PER_PROJECT = 98
MOVE_BATCH = 100  # tasks moved out of a deleted group per job run; the job re-enqueues itself for the rest
_NOT_A_GROUP = "contains an id that is not a task group of this project"
_TOO_MANY = f"A project can have at most {MAX_GROUPS_PER_PROJECT} task groups."


# --- reading -------------------------------------------------------------------------------------------------


def _groups(org_id: str, project_id: str) -> list[TaskGroup]:
    """A project's groups in board order: one consistent Query, bounded by MAX_GROUPS_PER_PROJECT."""
    pk = TaskGroup.keys(org_id, project_id, "")[0]
    found = TaskGroup.query(pk, TaskGroup.SK.startswith(TaskGroup.project_prefix(project_id)), consistent_read=True)
    return sorted(found, key=lambda group: (group.position, group.id))


def _get(org_id: str, project_id: str, group_id: str) -> TaskGroup:
    group = TaskGroup.get_or_none(*TaskGroup.keys(org_id, project_id, group_id)) if is_id(group_id, "grp") else None
    if group is None:
        raise NotFound("Task group not found.")
    return group


def _managed_project(principal: Principal, project_id: str):
    project = projects.get_visible(principal=principal, project_id=project_id)
    projects.require_manage(principal=principal, project=project)
    return project


def list_groups(*, principal: Principal, project_id: str, updated_since: datetime | None = None) -> list[TaskGroup]:
    """The task groups of a project the caller may see, ordered by position (changed since `updated_since`)."""
    project = projects.get_visible(principal=principal, project_id=project_id)
    groups = _groups(principal.org_id, project.id)
    return groups if updated_since is None else [group for group in groups if group.updated_at >= updated_since]


def belongs_to_project(*, org_id: str, project_id: str, group_id: str) -> bool:
    """Whether `group_id` is a task group of that project (tasks validate their `group_id` with it)."""
    return is_id(group_id, "grp") and TaskGroup.get_or_none(*TaskGroup.keys(org_id, project_id, group_id)) is not None


tasks.register_group_check(belongs_to_project)


# --- writing -------------------------------------------------------------------------------------------------


def _count(tx, org_id: str, project_id: str, delta: int, condition=None) -> None:
    counter = TaskGroupCount(*TaskGroupCount.keys(org_id, project_id))
    tx.update(
        counter,
        actions=[TaskGroupCount.count.add(delta), TaskGroupCount.entity.set(TaskGroupCount)],
        condition=condition,
    )


def create(*, principal: Principal, project_id: str, body: TaskGroupCreate) -> TaskGroup:
    """A new group at the end of the project's board (manage_tasks)."""
    project = _managed_project(principal, project_id)
    existing = _groups(principal.org_id, project.id)
    if len(existing) >= MAX_GROUPS_PER_PROJECT:
        raise ValidationFailed(_TOO_MANY)
    now, group_id = utcnow(), new_id("grp")
    pk, sk = TaskGroup.keys(principal.org_id, project.id, group_id)
    group = TaskGroup(
        PK=pk,
        SK=sk,
        id=group_id,
        org_id=principal.org_id,
        project_id=project.id,
        name=body.name,
        position=after(existing[-1].position if existing else None),
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )

    def write(tx) -> None:
        tx.save(group, condition=TaskGroup.PK.does_not_exist())
        below_cap = TaskGroupCount.count.does_not_exist() | (TaskGroupCount.count < MAX_GROUPS_PER_PROJECT)
        _count(tx, principal.org_id, project.id, +1, condition=below_cap)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="task_group",
            entity_id=group.id,
            changes=audit.diff({}, {"name": group.name, "project_id": project.id}),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        if error.conflicted:
            raise
        raise ValidationFailed(_TOO_MANY) from error  # a fresh id cannot exist: only the cap can have failed
    return group


def update(*, principal: Principal, project_id: str, group_id: str, changes: TaskGroupUpdate) -> TaskGroup:
    """Rename a group (manage_tasks)."""
    project = _managed_project(principal, project_id)
    group = _get(principal.org_id, project.id, group_id)
    fields = changes.model_dump(exclude_unset=True)
    if "name" in fields and fields["name"] is None:
        raise ValidationFailed.field("name", "cannot be null")
    changed = audit.diff({name: getattr(group, name) for name in fields}, fields)
    if not changed:
        return group
    now = utcnow()

    def write(tx) -> None:
        tx.update(
            group,
            actions=[TaskGroup.name.set(fields["name"]), TaskGroup.updated_at.set(now)],
            condition=TaskGroup.PK.exists(),
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="task_group",
            entity_id=group.id,
            changes=changed,
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Task group not found.") from error
    group.name, group.updated_at = fields["name"], now
    return group


def delete(*, principal: Principal, project_id: str, group_id: str) -> None:
    """Delete a group (manage_tasks); its tasks move to the project's default (no) group in the background."""
    project = _managed_project(principal, project_id)
    group = _get(principal.org_id, project.id, group_id)

    def write(tx) -> None:
        tx.delete(group, condition=TaskGroup.PK.exists())
        _count(tx, principal.org_id, project.id, -1)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="task_group",
            entity_id=group.id,
            changes={"name": {"from": group.name, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Task group not found.") from error
    jobs.enqueue(
        TASK_GROUP_DELETED_JOB,
        {
            "org_id": principal.org_id,
            "project_id": project.id,
            "group_id": group.id,
            "actor_id": principal.user_id,
            "actor_role": principal.role,
        },
    )


def reorder(*, principal: Principal, project_id: str, body: TaskGroupReorder) -> list[TaskGroup]:
    """Put all of a project's groups in the given order (manage_tasks); only groups that must move are written."""
    project = _managed_project(principal, project_id)
    groups = _groups(principal.org_id, project.id)
    by_id = {group.id: group for group in groups}
    if len(body.order) != len(set(body.order)) or set(body.order) != set(by_id):
        raise ValidationFailed.field("order", "must list each of the project's task groups exactly once")
    ordered = [by_id[group_id] for group_id in body.order]
    moves = [(group, rank) for group, rank in zip(ordered, _new_ranks(ordered), strict=True) if rank != group.position]
    if not moves:
        return ordered
    now = utcnow()

    def write(tx) -> None:
        # The project still has exactly these groups (none created or deleted since they were read) ...
        tx.condition_check(
            TaskGroupCount,
            *TaskGroupCount.keys(principal.org_id, project.id),
            condition=TaskGroupCount.count == len(groups),
        )
        for group, rank in moves:  # ... and nobody moved them meanwhile.
            tx.update(
                group,
                actions=[TaskGroup.position.set(rank), TaskGroup.updated_at.set(now)],
                condition=TaskGroup.position == group.position,
            )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="task_groups_reordered",
            entity_type="project",
            entity_id=project.id,
            changes={"task_group_order": {"from": [group.id for group in groups], "to": list(body.order)}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise Conflict("The project's task groups were changed by someone else; reload and retry.") from error
    for group, rank in moves:
        group.position, group.updated_at = rank, now
    return ordered


def _new_ranks(ordered: list[TaskGroup]) -> list[str]:
    """Ranks for groups in their new order that keep the longest already-ordered run where it is."""
    current = [group.position for group in ordered]
    keep = _longest_increasing(current)
    ranks: list[str | None] = [rank if index in keep else None for index, rank in enumerate(current)]
    for index in range(len(ranks)):
        if ranks[index] is None:
            before = ranks[index - 1] if index else None
            following = next((current[j] for j in range(index + 1, len(current)) if j in keep), None)
            ranks[index] = between(before, following)
    return ranks


def _longest_increasing(ranks: list[str]) -> set[int]:
    """Indices of a longest strictly increasing subsequence (a few dozen groups at most: quadratic is fine)."""
    length, previous = [1] * len(ranks), [-1] * len(ranks)
    for i in range(len(ranks)):
        for j in range(i):
            if ranks[j] < ranks[i] and length[j] + 1 > length[i]:
                length[i], previous[i] = length[j] + 1, j
    keep, index = set(), max(range(len(ranks)), key=length.__getitem__, default=-1)
    while index >= 0:
        keep.add(index)
        index = previous[index]
    return keep


# --- collapsed state (per user, per project) -----------------------------------------------------------------


def _collapsed_state(principal: Principal, project_id: str) -> CollapsedTaskGroups | None:
    keys = CollapsedTaskGroups.keys(principal.org_id, project_id, principal.user_id)
    return CollapsedTaskGroups.get_or_none(*keys, consistent=True)


def collapsed(*, principal: Principal, project_id: str) -> list[str]:
    """The ids of the groups the caller has collapsed in a project they may see."""
    project = projects.get_visible(principal=principal, project_id=project_id)
    state = _collapsed_state(principal, project.id)
    return list(state.group_ids) if state else []


def set_collapsed(*, principal: Principal, project_id: str, body: CollapsedBulk) -> list[str]:
    """Replace the caller's collapsed groups in a project; each id must be one of the project's groups."""
    project = projects.get_visible(principal=principal, project_id=project_id)
    group_ids = list(dict.fromkeys(body.group_ids))
    existing = {group.id for group in _groups(principal.org_id, project.id)}
    if any(group_id not in existing for group_id in group_ids):
        raise ValidationFailed.field("group_ids", _NOT_A_GROUP)
    return _save_collapsed(principal, project.id, _collapsed_state(principal, project.id), group_ids)


def toggle_collapsed(*, principal: Principal, project_id: str, group_id: str) -> list[str]:
    """Collapse one of a project's groups for the caller, or expand it if collapsed; the new collapsed ids."""
    project = projects.get_visible(principal=principal, project_id=project_id)
    _get(principal.org_id, project.id, group_id)
    state = _collapsed_state(principal, project.id)
    current = list(state.group_ids) if state else []
    group_ids = [other for other in current if other != group_id] if group_id in current else [*current, group_id]
    return _save_collapsed(principal, project.id, state, group_ids)


def _save_collapsed(
    principal: Principal, project_id: str, state: CollapsedTaskGroups | None, group_ids: list[str]
) -> list[str]:
    before = list(state.group_ids) if state else []
    if before == group_ids:
        return group_ids
    if state is None:
        pk, sk = CollapsedTaskGroups.keys(principal.org_id, project_id, principal.user_id)
        state = CollapsedTaskGroups(
            PK=pk, SK=sk, org_id=principal.org_id, project_id=project_id, user_id=principal.user_id
        )
    state.group_ids, state.updated_at = group_ids, utcnow()

    def write(tx) -> None:
        tx.save(state)  # conditional on the version read (or on not existing yet)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="collapsed_groups_changed",
            entity_type="project",
            entity_id=project_id,
            changes={"collapsed_group_ids": {"from": before, "to": group_ids}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise Conflict("Your collapsed groups were changed meanwhile; reload and retry.") from error
    return group_ids


# --- background work -----------------------------------------------------------------------------------------


@jobs.job(TASK_GROUP_DELETED_JOB)
def _release_deleted_group(payload: dict) -> None:
    """Forget the deleted group in everyone's collapsed state and move its tasks to the default group."""
    org_id, project_id, group_id = payload["org_id"], payload["project_id"], payload["group_id"]
    pk = CollapsedTaskGroups.keys(org_id, project_id, "")[0]
    prefix = CollapsedTaskGroups.project_prefix(project_id)
    for state in CollapsedTaskGroups.query(pk, CollapsedTaskGroups.SK.startswith(prefix)):
        if group_id in state.group_ids:  # versioned: a concurrent change fails the job, and the retry redoes it
            state.update(actions=[CollapsedTaskGroups.group_ids.set([g for g in state.group_ids if g != group_id])])
    actor = Principal(user_id=payload["actor_id"], org_id=org_id, role=payload["actor_role"])
    moved = tasks.move_group_tasks(principal=actor, project_id=project_id, group_id=group_id, limit=MOVE_BATCH)
    if moved == MOVE_BATCH:  # more may remain: continue in a fresh job instead of one long run
        jobs.enqueue(TASK_GROUP_DELETED_JOB, payload)


@jobs.job(projects.PROJECT_DELETED_JOB)
def _delete_project_groups(payload: dict) -> None:
    org_id, project_id = payload["org_id"], payload["project_id"]
    pk = TaskGroup.keys(org_id, project_id, "")[0]
    with Item.batch_write() as batch:
        for group in TaskGroup.query(pk, TaskGroup.SK.startswith(TaskGroup.project_prefix(project_id))):
            batch.delete(group)
        prefix = CollapsedTaskGroups.project_prefix(project_id)
        for state in CollapsedTaskGroups.query(pk, CollapsedTaskGroups.SK.startswith(prefix)):
            batch.delete(state)
        batch.delete(TaskGroupCount(*TaskGroupCount.keys(org_id, project_id)))
