"""Tasks: creation, changes through the org's workflow, listing by key-designed access patterns, counters."""

from contextlib import suppress
from datetime import date

from chalicelib.audit import service as audit
from chalicelib.core import db, events, indexing, jobs, routing
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, key_prefix, transact
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, any_of, query_page
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.ranks import after, between
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.labels import service as labels
from chalicelib.orgs import service as orgs
from chalicelib.projects import service as projects
from chalicelib.statuses import service as statuses
from chalicelib.tasks.models import PRIORITY_RANK, Task, TaskCount, TaskLabelLink
from chalicelib.tasks.schemas import TaskCreate, TaskFilters, TaskReorder, TaskUpdate

TASK_DELETED_JOB = "task_deleted"
MAX_SORT_WINDOW = 1000
_FIELDS = (
    "title",
    "description",
    "status",
    "priority",
    "assignee_id",
    "start_date",
    "due_date",
    "label_ids",
    "estimated_hours",
    "group_id",
    "complexity",
    "progress",
    "position",
)
_NOT_NULLABLE = ("title", "status", "priority", "label_ids")
DATE_ORDER_MESSAGE = "start_date must be on or before due_date"


def task_link(task_id: str) -> str:
    """Where the app opens a task (used in notification data)."""
    return f"/tasks?task={task_id}"


# --- reading -------------------------------------------------------------------------------------------------


_MANAGE_REQUIRED = "This action requires the manage_tasks permission on the project."


def reads_ahead(
    *, org_id: str, user_id: str, task_id=None, project_id=None, status_codes: tuple = ()
) -> list[tuple[str, str]]:
    """Keys of what a task route is about to read, for authentication's BatchGetItem (decision 100).

    The values come from the request as sent (path, query, body) and are only hints: whatever they name is
    still checked by the service that reads it.
    """
    keys = [Task.keys(org_id, task_id)] if isinstance(task_id, str) and is_id(task_id, "tsk") else []
    if isinstance(project_id, str):
        # Creating or listing in a project: a new task's status defaults to DEFAULT_STATUS.
        keys += projects.access_keys(org_id=org_id, user_id=user_id, project_id=project_id)
        status_codes = (*status_codes, statuses.DEFAULT_STATUS)
    return keys + statuses.record_keys(org_id=org_id, codes=set(status_codes))


def _visible_with_project(principal: Principal, task_id: str, *, status_codes: tuple = ()):
    """The task and its project; 404 unless the caller may see the project.

    The project, the caller's membership of it and the statuses a save will look up (the task's own and
    `status_codes`) come in one BatchGetItem once the task is read.
    """
    task = Task.get_or_none(*Task.keys(principal.org_id, task_id)) if is_id(task_id, "tsk") else None
    if task is None:
        raise NotFound("Task not found.")
    db.prefetch(
        projects.access_keys(org_id=principal.org_id, user_id=principal.user_id, project_id=task.project_id)
        + statuses.record_keys(org_id=principal.org_id, codes={task.status, *status_codes})
    )
    try:
        return task, projects.get_visible(principal=principal, project_id=task.project_id)
    except NotFound as error:
        raise NotFound("Task not found.") from error


def get_visible(*, principal: Principal, task_id: str, status_codes: tuple = ()) -> Task:
    """A task in a project the caller may see, or 404."""
    return _visible_with_project(principal, task_id, status_codes=status_codes)[0]


def get_manageable(*, principal: Principal, task_id: str, status_codes: tuple = ()) -> Task:
    """A visible task (else 404) whose project the caller may manage (else 403), reading the project once."""
    task, project = _visible_with_project(principal, task_id, status_codes=status_codes)
    if not projects.can_manage(principal=principal, project=project):
        raise Forbidden(_MANAGE_REQUIRED)
    return task


def require_reference(*, principal: Principal, task_id: str, field: str = "task_id") -> Task:
    """A task another resource refers to: it must exist in the org and be visible (else 400 naming it)."""
    try:
        return get_visible(principal=principal, task_id=task_id)
    except NotFound as error:
        raise ValidationFailed.field(field, "does not exist in this organization") from error


def can_manage(*, principal: Principal, task: Task) -> bool:
    """`manage_tasks` on the task's project."""
    project = projects.get_visible(principal=principal, project_id=task.project_id)
    return projects.can_manage(principal=principal, project=project)


def require_manage(*, principal: Principal, task: Task) -> None:
    """403 unless the caller has `manage_tasks` on the task's project."""
    if not can_manage(principal=principal, task=task):
        raise Forbidden(_MANAGE_REQUIRED)


# --- validation ----------------------------------------------------------------------------------------------


def _check_dates(start: str | None, due: str | None) -> None:
    if start and due and start > due:
        raise ValidationFailed(DATE_ORDER_MESSAGE, details=[{"field": "start_date", "message": DATE_ORDER_MESSAGE}])


def _check_references(principal: Principal, fields: dict, project_id: str) -> None:
    if fields.get("assignee_id") and orgs.membership(org_id=principal.org_id, user_id=fields["assignee_id"]) is None:
        raise ValidationFailed.field("assignee_id", "is not a member of this organization")
    if fields.get("label_ids"):
        labels.require_references(org_id=principal.org_id, label_ids=fields["label_ids"])
    if fields.get("group_id"):
        _require_group(principal, project_id, fields["group_id"])


_group_checks = []


def register_group_check(check) -> None:
    """The task-groups domain supplies how to verify a group belongs to a project (it owns groups)."""
    _group_checks.append(check)


def _require_group(principal: Principal, project_id: str, group_id: str) -> None:
    routing.load_all()  # the checks register when their domain is imported (decision 66)
    if not _group_checks or not all(
        check(org_id=principal.org_id, project_id=project_id, group_id=group_id) for check in _group_checks
    ):
        raise ValidationFailed.field("group_id", "is not a task group of this project")


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


# --- writing -------------------------------------------------------------------------------------------------


def _counter_keys(task: Task) -> list[tuple[str, tuple[str, str]]]:
    keys = [("task", TaskCount.project_keys(task.org_id, task.project_id, task.status)), ("usage", task.status)]
    if task.assignee_id:
        keys.append(("task", TaskCount.assignee_keys(task.org_id, task.assignee_id, task.status)))
    return keys


def add_to_counters(tx, *changes: tuple[Task, int]) -> None:
    """Apply (task, ±1) moves to every counter the tasks belong to, one `tx.update` per counter item.

    `tx` is a transaction, or anything with the same `update(item, actions=)` (a bulk load applies its totals).
    """
    deltas: dict = {}
    for task, delta in changes:
        for key in _counter_keys(task):
            deltas[key] = deltas.get(key, 0) + delta
    org_id = changes[0][0].org_id
    for (kind, key), delta in deltas.items():
        if delta == 0:
            continue
        if kind == "usage":
            statuses.count_usage(tx, org_id=org_id, code=key, delta=delta)
        else:
            tx.update(TaskCount(*key), actions=[TaskCount.count.add(delta), TaskCount.entity.set(TaskCount)])


def _label_links(tx, task: Task, label_ids: list[str], *, add: bool) -> None:
    for label_id in label_ids:
        link = TaskLabelLink(*TaskLabelLink.keys(task.org_id, label_id, task.id), task_id=task.id, label_id=label_id)
        tx.save(link) if add else tx.delete(link)


def _last_position(org_id: str, project_id: str, group_id: str | None) -> str | None:
    last = next(
        iter(Task.gsi4.query(Task.group_partition(org_id, project_id, group_id), scan_index_forward=False, limit=1)),
        None,
    )
    return last.position if last else None


def _apply_status(task: Task, status_code: str, workflow: dict) -> None:
    """Set the status, following auto-advance, and keep `done`/`completed_at` in step with it."""
    # A task whose status was deleted (its move still queued) lands in the default status when next saved.
    status = workflow.get(status_code) or workflow[statuses.DEFAULT_STATUS]
    advanced = statuses.next_after_progress(status=status, progress=task.progress)
    if advanced and advanced in workflow:
        status = workflow[advanced]
    was_done = bool(task.done)
    task.status, task.done = status.code, 1 if status.is_terminal else 0
    if task.done and not was_done:
        task.completed_at = utcnow()
    elif not task.done:
        task.completed_at = None


def _snapshot(task: Task) -> dict:
    return {field: getattr(task, field) for field in _FIELDS} | {"label_ids": list(task.label_ids or [])}


def build(*, org_id: str, project_id: str, reporter_id: str, body: TaskCreate, workflow: dict, position: str) -> Task:
    """The task item `create` writes for `body` (workflow applied, GSI keys set); nothing is checked or written.

    Bulk loads (bench/task_list_scale.py) build their items with it, so they hold exactly what the API writes.
    """
    now, task_id, status_code = utcnow(), new_id("tsk"), body.status or statuses.DEFAULT_STATUS
    task = Task(
        *Task.keys(org_id, task_id),
        id=task_id,
        org_id=org_id,
        project_id=project_id,
        title=body.title,
        title_lower=body.title.lower(),
        description=body.description,
        status=status_code,
        priority=body.priority,
        assignee_id=body.assignee_id,
        reporter_id=reporter_id,
        start_date=_iso(body.start_date),
        due_date=_iso(body.due_date),
        label_ids=list(dict.fromkeys(body.label_ids)),
        estimated_hours=body.estimated_hours,
        group_id=body.group_id,
        complexity=body.complexity,
        progress=body.progress,
        position=position,
        created_at=now,
        updated_at=now,
    )
    _apply_status(task, status_code, workflow)
    task.index()
    return task


def create(*, principal: Principal, body: TaskCreate) -> Task:
    """A new task in a project the caller can see; the caller is its reporter."""
    project = projects.require_reference(principal=principal, project_id=body.project_id)
    fields = body.model_dump()
    _check_dates(_iso(body.start_date), _iso(body.due_date))
    _check_references(principal, fields, project.id)
    workflow = statuses.workflow(org_id=principal.org_id)
    status_code = body.status or statuses.DEFAULT_STATUS
    if status_code not in workflow:
        statuses.require(org_id=principal.org_id, code=status_code)
    task = build(
        org_id=principal.org_id,
        project_id=project.id,
        reporter_id=principal.user_id,
        body=body,
        workflow=workflow,
        position=after(_last_position(principal.org_id, project.id, body.group_id)),
    )

    def write(tx) -> None:
        tx.save(task, condition=Task.PK.does_not_exist())
        add_to_counters(tx, (task, +1))
        _label_links(tx, task, task.label_ids, add=True)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="task",
            entity_id=task.id,
            changes=audit.diff({}, _snapshot(task)),
        )
        if task.assignee_id and task.assignee_id != principal.user_id:
            events.emit(
                tx,
                org_id=principal.org_id,
                type="task_assigned",
                actor_id=principal.user_id,
                recipients=[task.assignee_id],
                data={"task_id": task.id, "title": task.title, "link": task_link(task.id)},
            )

    transact(write)
    indexing.request_reindex(org_id=task.org_id, entity_type="task", entity_id=task.id)
    return task


def _changes(task: Task, body: TaskUpdate) -> dict:
    fields = body.model_dump(exclude_unset=True)
    for name in _NOT_NULLABLE:
        if name in fields and fields[name] is None:
            raise ValidationFailed.field(name, "cannot be null")
    for name in ("start_date", "due_date"):
        if name in fields:
            fields[name] = _iso(fields[name])
    if "label_ids" in fields:
        fields["label_ids"] = list(dict.fromkeys(fields["label_ids"]))
    return fields


def update(*, principal: Principal, task_id: str, changes: TaskUpdate) -> Task:
    """Apply a partial update; `null` clears optional fields; status changes follow the workflow."""
    fields = changes.model_dump(exclude_unset=True)
    task = get_visible(principal=principal, task_id=task_id, status_codes=(fields.get("status"),))
    return _save_changes(principal, task, _changes(task, changes))


def change_status(*, principal: Principal, task_id: str, status: str) -> Task:
    """Move a task to a status (manage_tasks); notifies the reporter and assignee except the caller."""
    task = get_manageable(principal=principal, task_id=task_id, status_codes=(status,))
    return _save_changes(principal, task, {"status": status})


def _save_changes(principal: Principal, task: Task, fields: dict) -> Task:
    before = _snapshot(task)
    _check_dates(fields.get("start_date", task.start_date), fields.get("due_date", task.due_date))
    _check_references(principal, {k: v for k, v in fields.items() if v != before.get(k)}, task.project_id)
    workflow = statuses.workflow(org_id=principal.org_id)
    if "status" in fields and fields["status"] not in workflow:
        statuses.require(org_id=principal.org_id, code=fields["status"])
    old = Task.from_raw_data(task.serialize())
    for name, value in fields.items():
        setattr(task, name, value)
    if "title" in fields:
        task.title_lower = task.title.lower()
    _apply_status(task, task.status, workflow)
    if task.group_id != old.group_id and "position" not in fields:
        task.position = after(_last_position(task.org_id, task.project_id, task.group_id))
    after_snapshot = _snapshot(task)
    changed = audit.diff(before, after_snapshot)
    if not changed:
        return task
    task.updated_at = utcnow()
    task.index()
    added: list[Task] = []  # new tasks the completion hooks put in the same transaction

    def write(tx) -> None:
        tx.save(task)
        _label_links(tx, task, [lbl for lbl in old.label_ids if lbl not in task.label_ids], add=False)
        _label_links(tx, task, [lbl for lbl in task.label_ids if lbl not in old.label_ids], add=True)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="task",
            entity_id=task.id,
            changes=changed,
        )
        _emit_change_events(tx, principal, old, task)
        if task.done and not old.done:
            routing.load_all()  # the hooks register when their domain is imported (decision 66)
            added[:] = [new for hook in _completion_hooks for new in hook(tx, principal=principal, task=task)]
        moved = [(old, -1), (task, +1)] if (old.status, old.assignee_id) != (task.status, task.assignee_id) else []
        if moved or added:  # one update per counter item, the hooks' new tasks included
            add_to_counters(tx, *moved, *((new, +1) for new in added))

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        raise Conflict("The task was changed by someone else; reload and retry.") from error
    if "title" in changed or "description" in changed:
        indexing.request_reindex(org_id=task.org_id, entity_type="task", entity_id=task.id)
    for new in added:
        indexing.request_reindex(org_id=new.org_id, entity_type="task", entity_id=new.id)
    return task


def _emit_change_events(tx, principal: Principal, old: Task, task: Task) -> None:
    data = {"task_id": task.id, "title": task.title, "link": task_link(task.id)}
    if old.status != task.status:
        recipients = sorted({task.reporter_id, task.assignee_id} - {None, principal.user_id})
        if recipients:
            events.emit(
                tx,
                org_id=task.org_id,
                type="task_status_changed",
                actor_id=principal.user_id,
                recipients=recipients,
                data={**data, "from": old.status, "to": task.status},
            )
    if task.assignee_id and task.assignee_id != old.assignee_id and task.assignee_id != principal.user_id:
        events.emit(
            tx,
            org_id=task.org_id,
            type="task_assigned",
            actor_id=principal.user_id,
            recipients=[task.assignee_id],
            data=data,
        )


_completion_hooks = []


def register_completion_hook(hook) -> None:
    """Run `hook(tx, principal=, task=)` inside the transaction that moves a task into a terminal status.

    The hook returns the tasks it added to `tx` (without counters): their counters are written together with
    the completion's, since a transaction may touch each counter item only once.
    """
    _completion_hooks.append(hook)


def delete(*, principal: Principal, task_id: str) -> None:
    """Delete a task (its reporter, or manage_tasks); comments, checklists and links go in the background."""
    task = get_visible(principal=principal, task_id=task_id)
    if task.reporter_id != principal.user_id:
        require_manage(principal=principal, task=task)

    def write(tx) -> None:
        _remove(tx, task)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="task",
            entity_id=task.id,
            changes={"title": {"from": task.title, "to": None}},
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        raise Conflict("The task was changed by someone else; reload and retry.") from error
    jobs.enqueue(TASK_DELETED_JOB, {"org_id": principal.org_id, "task_id": task.id})
    indexing.request_reindex(org_id=task.org_id, entity_type="task", entity_id=task.id)


def _remove(tx, task: Task) -> None:
    """Delete a task with its counters and label links in `tx`."""
    tx.delete(task)
    add_to_counters(tx, (task, -1))
    _label_links(tx, task, list(task.label_ids or []), add=False)


def reorder(*, principal: Principal, task_id: str, body: TaskReorder) -> Task:
    """Move a task to a 0-based position in its group (or another group of its project); one item is written."""
    task = get_manageable(principal=principal, task_id=task_id)
    group_id = body.group_id if "group_id" in body.model_fields_set else task.group_id
    if group_id and group_id != task.group_id:
        _require_group(principal, task.project_id, group_id)
    partition = Task.group_partition(task.org_id, task.project_id, group_id)
    neighbours = [t for t in Task.gsi4.query(partition, limit=body.position + 2) if t.id != task.id]
    index = min(body.position, len(neighbours))
    before = neighbours[index - 1].position if index > 0 else None
    following = neighbours[index].position if index < len(neighbours) else None
    return _save_changes(principal, task, {"group_id": group_id, "position": _rank_between(before, following)})


def _rank_between(before: str | None, following: str | None) -> str:
    if following is None or (before is not None and before >= following):  # tied neighbours: ids break the tie
        return after(before)
    return between(before, following)


# --- listing -------------------------------------------------------------------------------------------------


def _label_filter(label_ids: list[str]):
    return any_of(Task.label_ids.contains(label_id) for label_id in label_ids)


def _hidden_projects_filter(principal: Principal):
    hidden = projects.hidden_project_ids(principal=principal)
    if not hidden:
        return None
    if len(hidden) > 100:  # DynamoDB's IN takes at most 100 values
        raise ValidationFailed.field("project_id", "is required here: too many projects are private to others")
    return ~Task.project_id.is_in(*hidden)


PHASES = ("todo", "in_progress", "done")


def phase_of(task: Task) -> str:
    """Where a task stands in three coarse phases (the TataTrack statuses, decision 52): the default status is
    `todo`, a terminal status is `done`, every other status of the workflow is `in_progress`."""
    if task.done:
        return "done"
    return "todo" if task.status == statuses.DEFAULT_STATUS else "in_progress"


def _phase_filter(phase: str | None):
    if phase == "done":
        return Task.done == 1
    if phase == "todo":
        return Task.status == statuses.DEFAULT_STATUS
    if phase == "in_progress":
        return (Task.done == 0) & (Task.status != statuses.DEFAULT_STATUS)
    return None


def list_tasks(*, principal: Principal, filters: TaskFilters, phase: str | None = None) -> Page:
    """Tasks matching every filter (and `phase`, see `phase_of`), served by the key pattern that fits."""
    org = principal.org_id
    if filters.project_id:
        projects.require_reference(principal=principal, project_id=filters.project_id)
    label_ids = [part.strip() for part in (filters.label_ids or "").split(",") if part.strip()]
    conditions = {
        "project_id": Task.project_id == filters.project_id if filters.project_id else None,
        "assignee_id": Task.assignee_id == filters.assignee_id if filters.assignee_id else None,
        "status": Task.status == filters.status if filters.status else None,
        "priority": Task.priority == filters.priority if filters.priority else None,
        "group_id": Task.group_id == filters.group_id if filters.group_id else None,
        "label_ids": _label_filter(label_ids) if label_ids else None,
        "search": Task.title_lower.contains(filters.search.lower()) if filters.search else None,
        "visibility": None if filters.project_id else _hidden_projects_filter(principal),
        "phase": _phase_filter(phase),
        "updated_since": changed_since(Task, filters.updated_since),
    }
    hash_key, index, keyed = _access_pattern(org, filters)
    condition = all_of(condition for name, condition in conditions.items() if name not in keyed)
    if _natural_order(filters, keyed):
        page = query_page(
            Task,
            hash_key,
            index=index,
            filter_condition=condition,
            limit=filters.per_page,
            cursor=filters.cursor,
            offset=filters.offset,
            newest_first=filters.order == "desc",
            range_key_condition=_range_condition(index, filters),
            scope=f"{org}:tasks:{hash_key}",
        )
    else:
        page = _sorted_in_memory(principal, filters, hash_key, index, condition)
    if filters.status and not page.items:
        # Validated only when nothing matched: a known status costs no extra read on the common path.
        statuses.require(org_id=org, code=filters.status)
    return page


def _access_pattern(org: str, filters: TaskFilters) -> tuple[str, object, set[str]]:
    """The partition to query, its index, and which filters its key already applies."""
    if filters.project_id and filters.status and filters.sort == "priority":
        partition = Task.project_status_partition(org, filters.project_id, filters.status)
        return partition, Task.gsi1, {"project_id", "status", "visibility"}
    if filters.project_id and (filters.group_id or filters.sort == "position"):
        return (
            Task.group_partition(org, filters.project_id, filters.group_id),
            Task.gsi4,
            {"project_id", "group_id", "visibility"},
        )
    if filters.project_id:
        return Task.project_partition(org, filters.project_id), Task.gsi2, {"project_id", "visibility"}
    if filters.updated_since is not None and filters.sort in ("created_at", "updated_at"):
        # A sync: GSI5 sorts the org's tasks by updated_at, so the key condition reads only the changed ones.
        return Task.updated_partition(org), Task.gsi5, {"updated_since"}
    if filters.sort == "updated_at":
        return Task.updated_partition(org), Task.gsi5, set()
    return f"ORG#{org}", None, set()


def _range_condition(index, filters: TaskFilters):
    """The sort-key condition of the chosen partition: tasks only in the org's, changed ones in GSI5's."""
    if index is None:
        return key_prefix(Task.SK, Task.SK_PREFIX)
    if index is Task.gsi5 and filters.updated_since is not None:
        return Task.updated_since_key(filters.updated_since)
    return None


def _natural_order(filters: TaskFilters, keyed: set[str]) -> bool:
    """Whether the chosen partition already returns items in the requested sort order."""
    if filters.sort == "priority":
        return {"project_id", "status"} <= keyed
    if filters.sort == "position":
        return "group_id" in keyed
    if filters.sort == "updated_at":
        return not keyed - {"updated_since"}
    return True  # created_at: ULID ids order every partition keyed by id


def _sorted_in_memory(principal: Principal, filters: TaskFilters, hash_key: str, index, condition) -> Page:
    """A sort the keys don't provide: read the (bounded) matching set, sort, slice."""
    window = query_page(
        Task,
        hash_key,
        index=index,
        filter_condition=condition,
        limit=MAX_SORT_WINDOW + 1,
        range_key_condition=key_prefix(Task.SK, Task.SK_PREFIX) if index is None else None,
        scope="unused",
        scan_budget=10 * MAX_SORT_WINDOW,
    )
    if len(window.items) > MAX_SORT_WINDOW or window.next_cursor:
        raise ValidationFailed.field(
            "sort",
            f"sorting by {filters.sort} needs filters that match at most {MAX_SORT_WINDOW} tasks "
            "(e.g. project_id and status)",
        )
    keys = {
        "priority": lambda t: (PRIORITY_RANK[t.priority], t.id),
        "position": lambda t: (t.position, t.id),
        "updated_at": lambda t: (t.updated_at, t.id),
        "created_at": lambda t: t.id,
    }
    ordered = sorted(window.items, key=keys[filters.sort], reverse=filters.order == "desc")
    scope = f"{principal.org_id}:tasks:sorted"
    start = decode_cursor(filters.cursor, scope=scope)["offset"] if filters.cursor else filters.offset
    end = start + filters.per_page
    next_cursor = encode_cursor({"offset": end}, scope=scope) if end < len(ordered) else None
    return Page(ordered[start:end], next_cursor)


# --- stats ---------------------------------------------------------------------------------------------------


def project_stats(*, principal: Principal) -> list[dict]:
    """Total and done task counts per visible project, from counters (O(projects × statuses))."""
    workflow, counters = statuses.list_with_following(
        org_id=principal.org_id, through_sort_key=f"{TaskCount.PROJECT_PREFIX}~"
    )
    terminal = {status.code for status in workflow if status.is_terminal}
    visible = {project.id: project for project in projects.list_visible(principal=principal)}
    totals = {project_id: {"total": 0, "done": 0} for project_id in visible}
    for counter in counters:
        if not isinstance(counter, TaskCount):
            continue
        project_id, status = counter.SK[len(TaskCount.PROJECT_PREFIX) :].split("#", 1)
        if project_id in totals:
            totals[project_id]["total"] += int(counter.count)
            totals[project_id]["done"] += int(counter.count) if status in terminal else 0
    return [{"project_id": pid, "name": visible[pid].name, **counts} for pid, counts in totals.items()]


def dashboard(*, principal: Principal) -> dict:
    """The caller's assigned tasks: total, completed, overdue, overdue urgent."""
    terminal = {code for code, status in statuses.by_code(org_id=principal.org_id).items() if status.is_terminal}
    total = completed = 0
    prefix = f"{TaskCount.ASSIGNEE_PREFIX}{principal.user_id}#"
    for counter in TaskCount.query(f"ORG#{principal.org_id}", key_prefix(TaskCount.SK, prefix)):
        count = int(counter.count)
        total += count
        completed += count if counter.SK[len(prefix) :] in terminal else 0
    today = utcnow().date().isoformat()
    overdue = list(
        Task.gsi3.query(
            Task.assignee_partition(principal.org_id, principal.user_id),
            Task.GSI3SK.between(Task.open_prefix(False), f"{Task.open_prefix(False)}{today}"),
        )
    )
    overdue = [task for task in overdue if task.due_date and task.due_date < today]
    return {
        "total_tasks": total,
        "completed_tasks": completed,
        "overdue_tasks": len(overdue),
        "overdue_urgent_tasks": sum(1 for task in overdue if task.priority == "urgent"),
    }


@jobs.job(labels.LABEL_DELETED_JOB)
def _drop_deleted_label(payload: dict) -> None:
    org_id, label_id = payload["org_id"], payload["label_id"]
    prefix = f"{TaskLabelLink.SK_PREFIX}{label_id}#"
    for link in TaskLabelLink.query(f"ORG#{org_id}", key_prefix(TaskLabelLink.SK, prefix)):
        task = Task.get_or_none(*Task.keys(org_id, link.task_id))
        if task is not None and label_id in task.label_ids:
            task.update(actions=[Task.label_ids.set([lbl for lbl in task.label_ids if lbl != label_id])])
        link.delete()


@jobs.job(projects.PROJECT_DELETED_JOB)
def _delete_project_tasks(payload: dict) -> None:
    org_id, project_id = payload["org_id"], payload["project_id"]
    for task in Task.gsi2.query(Task.project_partition(org_id, project_id)):
        with suppress(TransactionCancelled):  # already removed by an earlier run of this job
            transact(lambda tx, task=task: _remove(tx, task))
        jobs.enqueue(TASK_DELETED_JOB, {"org_id": org_id, "task_id": task.id})
    with Item.batch_write() as batch:
        prefix = f"{TaskCount.PROJECT_PREFIX}{project_id}#"
        for counter in TaskCount.query(f"ORG#{org_id}", key_prefix(TaskCount.SK, prefix)):
            batch.delete(counter)


def move_group_tasks(*, principal: Principal, project_id: str, group_id: str, limit: int = 100) -> int:
    """Move up to `limit` tasks of a (deleted) task group to the project's default group; returns how many."""
    moved = 0
    for task in Task.gsi4.query(Task.group_partition(principal.org_id, project_id, group_id), limit=limit):
        _save_changes(principal, task, {"group_id": None})  # appended to the default group, in their order
        moved += 1
    return moved


STATUS_MOVE_BATCH = 100  # tasks moved off a deleted status per job run; the job re-enqueues itself for the rest


@jobs.job(statuses.STATUS_DELETED_JOB)
def _move_off_deleted_status(payload: dict) -> None:
    """Move the tasks of a deleted custom status to the default status, project by project (its counters)."""
    org_id, code = payload["org_id"], payload["code"]
    if code in statuses.by_code(org_id=org_id):
        return  # the code was created again meanwhile: its tasks belong to the new status
    actor = Principal(user_id=payload["actor_id"], org_id=org_id, role=payload["actor_role"])
    counters = TaskCount.query(f"ORG#{org_id}", key_prefix(TaskCount.SK, TaskCount.PROJECT_PREFIX))
    project_ids = [
        c.SK.removeprefix(TaskCount.PROJECT_PREFIX).rsplit("#", 1)[0]
        for c in counters
        if c.count > 0 and c.SK.endswith(f"#{code}")
    ]
    moved = 0
    for project_id in project_ids:
        partition = Task.project_status_partition(org_id, project_id, code)
        for task in Task.gsi1.query(partition, limit=STATUS_MOVE_BATCH - moved):
            _save_changes(actor, task, {"status": statuses.DEFAULT_STATUS})
            moved += 1
        if moved >= STATUS_MOVE_BATCH:  # more may remain: continue in a fresh job instead of one long run
            jobs.enqueue(statuses.STATUS_DELETED_JOB, payload)
            return


def find(*, org_id: str, task_id: str) -> Task | None:
    """A task by id without a visibility check, for background work that has no caller."""
    return Task.get_or_none(*Task.keys(org_id, task_id)) if is_id(task_id, "tsk") else None


def add_occurrence(tx, *, source: Task, due_date: str, recurrence_id: str, with_counters: bool = True) -> Task:
    """Add to `tx` the next occurrence of a recurring task: a fresh copy of `source` due on `due_date`."""
    now, task_id = utcnow(), new_id("tsk")
    task = Task(
        *Task.keys(source.org_id, task_id),
        id=task_id,
        org_id=source.org_id,
        project_id=source.project_id,
        title=source.title,
        title_lower=source.title_lower,
        description=source.description,
        status=statuses.DEFAULT_STATUS,
        priority=source.priority,
        assignee_id=source.assignee_id,
        reporter_id=source.reporter_id,
        due_date=due_date,
        label_ids=list(source.label_ids or []),
        estimated_hours=source.estimated_hours,
        group_id=source.group_id,
        complexity=source.complexity,
        position=after(_last_position(source.org_id, source.project_id, source.group_id)),
        recurrence_id=recurrence_id,
        created_at=now,
        updated_at=now,
    )
    task.index()
    tx.save(task, condition=Task.PK.does_not_exist())
    if with_counters:
        add_to_counters(tx, (task, +1))
    _label_links(tx, task, task.label_ids, add=True)
    return task


def get_many_visible(*, principal: Principal, task_ids: set[str]) -> dict[str, Task]:
    """The tasks among `task_ids` that the caller may see, by id (one BatchGet per 100; others are left out)."""
    hidden = set(projects.hidden_project_ids(principal=principal))
    keys = [Task.keys(principal.org_id, task_id) for task_id in sorted(task_ids) if is_id(task_id, "tsk")]
    found = [task for start in range(0, len(keys), 100) for task in Task.batch_get(keys[start : start + 100])]
    return {task.id: task for task in found if task.project_id not in hidden}


def update_if_unchanged(*, principal: Principal, task: Task, changes: TaskUpdate) -> Task:
    """`update` for a task the caller read with `get_visible`: 409 if it changed since that read."""
    return _save_changes(principal, task, _changes(task, changes))


def _search_document(*, org_id: str, entity_id: str) -> indexing.Document | None:
    task = Task.get_or_none(*Task.keys(org_id, entity_id))
    return indexing.Document(task.title, task.description or "", task.project_id) if task else None


indexing.register_source("task", _search_document)


# --- reminders -----------------------------------------------------------------------------------------------


def due_on(*, due_date: str) -> list[Task]:
    """Open, assigned tasks due on `due_date`, in every org (due-date reminders; one Query per GSI6 shard)."""
    return [task for shard in range(Task.DUE_SHARDS) for task in Task.gsi6.query(Task.due_partition(due_date, shard))]


def open_assigned_due_by(*, org_id: str, user_id: str, day: str, limit: int = 100) -> list[Task]:
    """A user's open tasks due on or before `day`, soonest first (the daily digest; a GSI3 Query)."""
    upper = f"{Task.open_prefix(False)}{day}#~"
    return list(
        Task.gsi3.query(
            Task.assignee_partition(org_id, user_id), Task.GSI3SK.between(Task.open_prefix(False), upper), limit=limit
        )
    )
