"""Milestones: named date markers on a project's Gantt chart, independent of tasks."""

from chalicelib.audit import service as audit
from chalicelib.core import jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, transact
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.milestones.models import Milestone
from chalicelib.milestones.schemas import MilestoneCreate, MilestoneFilters, MilestoneUpdate
from chalicelib.projects import service as projects

_FIELDS = ("title", "target_date", "color", "description")
_NOT_NULLABLE = ("title", "target_date", "color")


def _snapshot(milestone: Milestone) -> dict:
    return {field: getattr(milestone, field) for field in _FIELDS}


def _require_current_org(principal: Principal, org_id: str) -> None:
    """The org in the path must be the caller's current one; any other is answered as missing."""
    if org_id != principal.org_id:
        raise NotFound("Organization not found.")


def _get(principal: Principal, milestone_id: str) -> Milestone:
    """A milestone of the org in a project the caller may see, or 404."""
    keys = Milestone.keys(principal.org_id, milestone_id)
    found = Milestone.get_or_none(*keys) if is_id(milestone_id, "mil") else None
    if found is None:
        raise NotFound("Milestone not found.")
    try:
        projects.get_visible(principal=principal, project_id=found.project_id)
    except NotFound as error:
        raise NotFound("Milestone not found.") from error
    return found


def _require_manage(principal: Principal, project_id: str) -> None:
    project = projects.get_visible(principal=principal, project_id=project_id)
    projects.require_manage(principal=principal, project=project)


def list_milestones(*, principal: Principal, org_id: str, project_id: str, filters: MilestoneFilters) -> Page:
    """A visible project's milestones, by target date (then creation)."""
    _require_current_org(principal, org_id)
    project = projects.get_visible(principal=principal, project_id=project_id)
    partition = Milestone.project_partition(principal.org_id, project.id)
    return query_page(
        Milestone,
        partition,
        index=Milestone.gsi1,
        filter_condition=changed_since(Milestone, filters.updated_since),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:milestones:{project.id}",
    )


def get(*, principal: Principal, org_id: str, milestone_id: str) -> Milestone:
    """One milestone in a project the caller may see, or 404."""
    _require_current_org(principal, org_id)
    return _get(principal, milestone_id)


def create(*, principal: Principal, org_id: str, project_id: str, body: MilestoneCreate) -> Milestone:
    """A new milestone on a project (manage_tasks)."""
    _require_current_org(principal, org_id)
    project = projects.get_visible(principal=principal, project_id=project_id)
    projects.require_manage(principal=principal, project=project)
    now, milestone_id = utcnow(), new_id("mil")
    pk, sk = Milestone.keys(principal.org_id, milestone_id)
    milestone = Milestone(
        PK=pk,
        SK=sk,
        id=milestone_id,
        org_id=principal.org_id,
        project_id=project.id,
        title=body.title,
        target_date=body.target_date,
        color=body.color,
        description=body.description,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    milestone.index()

    def write(tx) -> None:
        tx.save(milestone, condition=Milestone.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="milestone",
            entity_id=milestone.id,
            changes=audit.diff({}, {**_snapshot(milestone), "project_id": project.id}),
        )

    transact(write)
    return milestone


def update(*, principal: Principal, org_id: str, milestone_id: str, changes: MilestoneUpdate) -> Milestone:
    """Change the given fields (manage_tasks); `description: null` clears it."""
    _require_current_org(principal, org_id)
    milestone = _get(principal, milestone_id)
    _require_manage(principal, milestone.project_id)
    fields = changes.model_dump(exclude_unset=True)
    for name in _NOT_NULLABLE:
        if name in fields and fields[name] is None:
            raise ValidationFailed.field(name, "cannot be null")
    before = _snapshot(milestone)
    changed = audit.diff(before, {**before, **fields})
    if not changed:
        return milestone
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.updated_at = utcnow()
    milestone.index()
    actions = [
        getattr(Milestone, name).set(fields[name]) if fields[name] is not None else getattr(Milestone, name).remove()
        for name in changed
    ]
    actions += [Milestone.GSI1SK.set(milestone.GSI1SK), Milestone.updated_at.set(milestone.updated_at)]

    def write(tx) -> None:
        tx.update(milestone, actions=actions, condition=Milestone.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="milestone",
            entity_id=milestone.id,
            changes=changed,
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Milestone not found.") from error
    return milestone


def delete(*, principal: Principal, org_id: str, milestone_id: str) -> None:
    """Delete a milestone (manage_tasks)."""
    _require_current_org(principal, org_id)
    milestone = _get(principal, milestone_id)
    _require_manage(principal, milestone.project_id)

    def write(tx) -> None:
        tx.delete(milestone, condition=Milestone.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="milestone",
            entity_id=milestone.id,
            changes={"title": {"from": milestone.title, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Milestone not found.") from error


@jobs.job(projects.PROJECT_DELETED_JOB)
def _delete_project_milestones(payload: dict) -> None:
    partition = Milestone.project_partition(payload["org_id"], payload["project_id"])
    with Item.batch_write() as batch:
        for milestone in Milestone.gsi1.query(partition):
            batch.delete(milestone)
