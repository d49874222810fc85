"""Task dependencies: `blocks` / `blocked_by` links stored as one canonical `blocker → blocked` edge per pair.

The graph stays acyclic under concurrent writers: the cycle check reads the graph at a version, and the new
edge is written in a transaction conditioned on that version (which it bumps) — docs/decisions.md.
"""

from datetime import datetime

from chalicelib.audit import service as audit
from chalicelib.core import jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, transact
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.timeutil import utcnow
from chalicelib.dependencies.models import Dependency, DependencyGraph
from chalicelib.dependencies.schemas import DependencyCreate, DependencyFilters
from chalicelib.projects import service as projects
from chalicelib.tasks import service as tasks

MAX_PER_TASK = 100  # links of one task, both directions: the per-task list returns them in one response
MAX_GRAPH_WALK = 10_000  # tasks the cycle check may visit
WRITE_ATTEMPTS = 5
IN_OPERANDS = 100  # DynamoDB's IN takes at most 100 values


class _GraphMoved(Exception):
    """Another link was added after the checks read the graph: check again."""


def _outgoing(org_id: str, task_id: str) -> list[Dependency]:
    """Edges where the task is the blocker (base table, strongly consistent)."""
    prefix = Dependency.blocker_prefix(task_id)
    return list(Dependency.query(Dependency.partition(org_id), Dependency.SK.startswith(prefix), consistent_read=True))


def _incoming(org_id: str, task_id: str) -> list[Dependency]:
    """Edges where the task is the blocked one (GSI1)."""
    return list(Dependency.gsi1.query(Dependency.blocked_partition(org_id, task_id)))


def _edges(org_id: str, task_id: str) -> list[Dependency]:
    return _outgoing(org_id, task_id) + _incoming(org_id, task_id)


def _reaches(org_id: str, start: str, target: str) -> bool:
    """Whether `target` can be reached from `start` by following `blocker → blocked` edges."""
    seen, frontier = {start}, [start]
    while frontier:
        for edge in _outgoing(org_id, frontier.pop()):
            if edge.blocked_id == target:
                return True
            if edge.blocked_id not in seen:
                if len(seen) >= MAX_GRAPH_WALK:
                    raise Conflict("The dependency graph is too large to check this link for cycles.")
                seen.add(edge.blocked_id)
                frontier.append(edge.blocked_id)
    return False


# --- reading -------------------------------------------------------------------------------------------------


def _made_since(since: datetime | None):
    """Links made at or after `since`: a link never changes, so its creation is its last change."""
    return Dependency.created_at >= since if since is not None else None


def list_for_task(
    *, principal: Principal, task_id: str, updated_since: datetime | None = None
) -> list[tuple[Dependency, object]]:
    """A visible task's links in both directions, oldest first, each with the (visible) task on the other end."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    edges = [
        edge for edge in _edges(principal.org_id, task.id) if updated_since is None or edge.created_at >= updated_since
    ]
    ends = [(edge, edge.seen_from(task.id)[0]) for edge in edges]
    others = tasks.get_many_visible(principal=principal, task_ids={other_id for _edge, other_id in ends})
    links = [(edge, others[other_id]) for edge, other_id in ends if other_id in others]
    return sorted(links, key=lambda link: link[0].id)


def _visibility_filter(principal: Principal):
    """Keep only edges whose two tasks are in projects the caller may see (None: sees everything)."""
    hidden = projects.hidden_project_ids(principal=principal)
    chunks = (hidden[start : start + IN_OPERANDS] for start in range(0, len(hidden), IN_OPERANDS))
    return all_of(
        ~Dependency.blocker_project_id.is_in(*chunk) & ~Dependency.blocked_project_id.is_in(*chunk) for chunk in chunks
    )


def list_org(*, principal: Principal, filters: DependencyFilters) -> Page:
    """Every link in the org whose two tasks the caller can see (for a Gantt chart), paged."""
    return query_page(
        Dependency,
        Dependency.partition(principal.org_id),
        range_key_condition=Dependency.SK.startswith(Dependency.SK_PREFIX),
        filter_condition=all_of([_visibility_filter(principal), _made_since(filters.updated_since)]),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:task-dependencies",
    )


# --- writing -------------------------------------------------------------------------------------------------


def create(*, principal: Principal, task_id: str, body: DependencyCreate) -> tuple[Dependency, object]:
    """Link a task to another (manage_tasks): no self-links, no duplicates, no cycles. Returns the link and
    the task on its other end."""
    task = tasks.get_manageable(principal=principal, task_id=task_id)
    if body.depends_on_id == task.id:
        raise ValidationFailed.field("depends_on_id", "a task cannot depend on itself")
    other = tasks.require_reference(principal=principal, task_id=body.depends_on_id, field="depends_on_id")
    blocker, blocked = (task, other) if body.dependency_type == "blocks" else (other, task)
    for _attempt in range(WRITE_ATTEMPTS):
        try:
            return _add_edge(principal, task.id, blocker, blocked), other
        except _GraphMoved:
            continue
    raise Conflict("Task dependencies are being changed by someone else; retry.")


def _add_edge(principal: Principal, task_id: str, blocker, blocked) -> Dependency:
    org = principal.org_id
    graph = DependencyGraph.get_or_none(*DependencyGraph.keys(org), consistent=True)
    version = int(graph.version) if graph else 0
    if Dependency.get_or_none(*Dependency.keys(org, blocker.id, blocked.id), consistent=True):
        raise Conflict("This dependency already exists.")
    if _reaches(org, blocked.id, blocker.id):
        raise Conflict(f"This dependency would create a cycle: {blocked.id} already leads to {blocker.id}.")
    for end in (blocker, blocked):
        if len(_edges(org, end.id)) >= MAX_PER_TASK:
            raise ValidationFailed.field("depends_on_id", f"a task can have at most {MAX_PER_TASK} dependencies")
    dependency_id = new_id("dep")
    edge = Dependency(
        *Dependency.keys(org, blocker.id, blocked.id),
        id=dependency_id,
        org_id=org,
        blocker_id=blocker.id,
        blocked_id=blocked.id,
        blocker_project_id=blocker.project_id,
        blocked_project_id=blocked.project_id,
        task_id=task_id,
        created_by=principal.user_id,
        created_at=utcnow(),
    )
    edge.index()
    unchanged = DependencyGraph.version == version if graph else DependencyGraph.PK.does_not_exist()

    def write(tx) -> None:
        tx.update(
            DependencyGraph(*DependencyGraph.keys(org)),
            actions=[DependencyGraph.version.set(version + 1), DependencyGraph.entity.set(DependencyGraph)],
            condition=unchanged,
        )
        tx.save(edge, condition=Dependency.PK.does_not_exist())
        audit.record(
            tx,
            org_id=org,
            actor=principal,
            action="created",
            entity_type="task_dependency",
            entity_id=edge.id,
            changes=audit.diff({}, {"blocker_id": blocker.id, "blocked_id": blocked.id}),
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:  # the graph moved, or the same link was just added: the retry tells
        raise _GraphMoved from error
    return edge


def delete(*, principal: Principal, task_id: str, dependency_id: str) -> None:
    """Remove one of a task's links by its id (manage_tasks)."""
    task = tasks.get_manageable(principal=principal, task_id=task_id)
    edges = _edges(principal.org_id, task.id) if is_id(dependency_id, "dep") else []
    edge = next((edge for edge in edges if edge.id == dependency_id), None)
    if edge is None:
        raise NotFound("Dependency not found.")

    def write(tx) -> None:
        tx.delete(edge, condition=Dependency.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="task_dependency",
            entity_id=edge.id,
            changes=audit.diff({"blocker_id": edge.blocker_id, "blocked_id": edge.blocked_id}, {}),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Dependency not found.") from error


@jobs.job(tasks.TASK_DELETED_JOB)
def _delete_task_dependencies(payload: dict) -> None:
    with Item.batch_write() as batch:
        for edge in _edges(payload["org_id"], payload["task_id"]):
            batch.delete(edge)
