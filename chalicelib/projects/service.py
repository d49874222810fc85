"""Projects and who may see them: a project with explicit members is visible only to them and admins."""

from datetime import datetime

from chalicelib.audit import service as audit
from chalicelib.billing import service as billing
from chalicelib.clients import service as clients
from chalicelib.core import indexing, jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, key_prefix, transact
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.orgs import service as orgs
from chalicelib.projects import budgets
from chalicelib.projects.models import Project, ProjectMember
from chalicelib.projects.schemas import (
    DEFAULT_ALERT_THRESHOLDS,
    ProjectCreate,
    ProjectFilters,
    ProjectMemberAdd,
    ProjectUpdate,
)
from chalicelib.time_entries import rounding

PROJECT_DELETED_JOB = "project_deleted"
MAX_RESTRICTED_PROJECTS_PER_MEMBER = 100  # DynamoDB's IN operator takes at most 100 values
_AUDITED_FIELDS = (
    "name",
    "description",
    "status",
    "client_id",
    "color",
    "emoji",
    "billable",
    "hourly_rate",
    "currency",
    "rounding",
    "start_date",
    "end_date",
    "budget_type",
    "budget_amount",
    "budget_alert_thresholds",
)


def _snapshot(project: Project) -> dict:
    values = {field: getattr(project, field) for field in _AUDITED_FIELDS}
    if values["budget_alert_thresholds"] is not None:
        values["budget_alert_thresholds"] = [int(value) for value in values["budget_alert_thresholds"]]
    return values


def _member_project_ids(principal: Principal) -> list[str]:
    partition = ProjectMember.user_partition(principal.org_id, principal.user_id)
    return [member.project_id for member in ProjectMember.gsi1.query(partition)]


def _project_membership(principal: Principal, project_id: str) -> ProjectMember | None:
    return ProjectMember.get_or_none(*ProjectMember.keys(principal.org_id, project_id, principal.user_id))


def access_keys(*, org_id: str, user_id: str, project_id: str) -> list[tuple[str, str]]:
    """Where a project and the user's membership of it are stored: what `get_visible` reads (core.db.prefetch)."""
    if not is_id(project_id, "prj"):
        return []
    return [Project.keys(org_id, project_id), ProjectMember.keys(org_id, project_id, user_id)]


def find(*, org_id: str, project_id: str) -> Project | None:
    """The org's project with this id whoever may see it, or None (billing reads rates through this)."""
    return Project.get_or_none(*Project.keys(org_id, project_id)) if is_id(project_id, "prj") else None


def find_many(*, org_id: str, project_ids: set[str]) -> dict[str, Project]:
    """The org's projects among `project_ids`, by id, whoever may see them (one BatchGet per 100)."""
    keys = [Project.keys(org_id, project_id) for project_id in sorted(project_ids) if is_id(project_id, "prj")]
    return {
        project.id: project
        for start in range(0, len(keys), 100)
        for project in Project.batch_get(keys[start : start + 100])
    }


def get_visible(*, principal: Principal, project_id: str) -> Project:
    """A project the caller may see, or 404 (missing, another org's, or restricted to others)."""
    project = Project.get_or_none(*Project.keys(principal.org_id, project_id)) if is_id(project_id, "prj") else None
    if project is None:
        raise NotFound("Project not found.")
    if project.member_count > 0 and not principal.is_admin and _project_membership(principal, project.id) is None:
        raise NotFound("Project not found.")
    return project


def require_reference(*, principal: Principal, project_id: str, field: str = "project_id") -> Project:
    """A project another resource refers to: it must exist in the org and be visible (else 400 naming it)."""
    try:
        return get_visible(principal=principal, project_id=project_id)
    except NotFound as error:
        raise ValidationFailed.field(field, "does not exist in this organization") from error


def can_manage(*, principal: Principal, project: Project) -> bool:
    """`manage_tasks` on a project: admins, owners and the project's managers."""
    if principal.is_admin:
        return True
    membership = _project_membership(principal, project.id)
    return membership is not None and membership.role == "manager"


def require_manage(*, principal: Principal, project: Project) -> None:
    """403 unless the caller has `manage_tasks` on the project."""
    if not can_manage(principal=principal, project=project):
        raise Forbidden("This action requires the manage_tasks permission on the project.")


def visible_filter(*, principal: Principal):
    """A filter condition keeping only projects the caller may see (None: sees everything)."""
    if principal.is_admin:
        return None
    ids = _member_project_ids(principal)[:MAX_RESTRICTED_PROJECTS_PER_MEMBER]
    unrestricted = Project.member_count == 0
    return unrestricted | Project.id.is_in(*ids) if ids else unrestricted


def hidden_project_ids(*, principal: Principal) -> list[str]:
    """Ids of the org's projects the caller may not see (restricted to others); none for admins."""
    if principal.is_admin:
        return []
    mine = set(_member_project_ids(principal))
    pk = Project.keys(principal.org_id, "")[0]
    restricted = Project.query(pk, key_prefix(Project.SK, Project.SK_PREFIX), filter_condition=Project.member_count > 0)
    return sorted(project.id for project in restricted if project.id not in mine)


def list_projects(*, principal: Principal, filters: ProjectFilters) -> Page:
    """The org's projects the caller may see, oldest first, filtered."""
    conditions = []
    visibility = visible_filter(principal=principal)
    if visibility is not None:
        conditions.append(visibility)
    if filters.status:
        conditions.append(Project.status == filters.status)
    elif not filters.archived:
        conditions.append(Project.status == "active")
    if filters.client_id:
        conditions.append(Project.client_id == filters.client_id)
    if filters.search:
        conditions.append(Project.name_lower.contains(filters.search.lower()))
    pk = Project.keys(principal.org_id, "")[0]
    return query_page(
        Project,
        pk,
        range_key_condition=key_prefix(Project.SK, Project.SK_PREFIX),
        filter_condition=all_of([*conditions, changed_since(Project, filters.updated_since)]),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:projects",
    )


def list_visible(*, principal: Principal) -> list[Project]:
    """Every project the caller may see, archived ones included (bounded by the org's project count)."""
    pk = Project.keys(principal.org_id, "")[0]
    return list(
        Project.query(
            pk, key_prefix(Project.SK, Project.SK_PREFIX), filter_condition=visible_filter(principal=principal)
        )
    )


def _default_currency(org_id: str) -> str:
    return (orgs.get_active(org_id=org_id).settings or {}).get("currency") or "USD"


DATES_OUT_OF_ORDER = "start_date must be on or before end_date"


def _packed_rounding(rule: dict | None) -> str | None:
    """A rounding rule as the project stores it (time_entries.rounding), or None for the org's rule."""
    return rounding.rule_of(rule).packed() if rule else None


def _require_ordered(start_date: str | None, end_date: str | None) -> None:
    """400 with the documented message when a project would end before it starts."""
    if start_date and end_date and start_date > end_date:
        raise ValidationFailed(DATES_OUT_OF_ORDER, details=[{"field": "start_date", "message": DATES_OUT_OF_ORDER}])


def _require_budget(values: dict) -> None:
    """A budget has both a type and an amount (400 naming the missing one)."""
    if values["budget_amount"] is not None and values["budget_type"] is None:
        raise ValidationFailed.field("budget_type", "is required with budget_amount")
    if values["budget_type"] is not None and values["budget_amount"] is None:
        raise ValidationFailed.field("budget_amount", "is required with budget_type")


def _client_gone(principal: Principal, client_id: str | None) -> bool:
    return client_id is not None and clients.find(org_id=principal.org_id, client_id=client_id) is None


def create(*, principal: Principal, body: ProjectCreate) -> Project:
    """A new project (admins and owners)."""
    principal.require_admin()
    if body.client_id is not None:
        clients.require_reference(org_id=principal.org_id, client_id=body.client_id)
    start_date = body.start_date.isoformat() if body.start_date else None
    end_date = body.end_date.isoformat() if body.end_date else None
    _require_ordered(start_date, end_date)
    _require_budget({"budget_type": body.budget_type, "budget_amount": body.budget_amount})
    project_id, now = new_id("prj"), utcnow()
    pk, sk = Project.keys(principal.org_id, project_id)
    project = Project(
        PK=pk,
        SK=sk,
        id=project_id,
        org_id=principal.org_id,
        name=body.name,
        name_lower=body.name.lower(),
        description=body.description,
        client_id=body.client_id,
        color=body.color,
        emoji=body.emoji,
        billable=body.billable,
        hourly_rate=body.hourly_rate,
        rounding=_packed_rounding(body.rounding.model_dump() if body.rounding else None),
        currency=body.currency or _default_currency(principal.org_id),
        start_date=start_date,
        end_date=end_date,
        budget_type=body.budget_type,
        budget_amount=body.budget_amount,
        budget_alert_thresholds=body.budget_alert_thresholds,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )

    def write(tx) -> None:
        tx.save(project, condition=Project.PK.does_not_exist())
        billing.consume(tx, org_id=principal.org_id, resource="projects")
        if project.client_id is not None:
            clients.add_reference(tx, org_id=principal.org_id, client_id=project.client_id)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="project",
            entity_id=project.id,
            changes=audit.diff({}, _snapshot(project)),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        billing.raise_if_over_limit(error, org_id=principal.org_id, resource="projects")
        if _client_gone(principal, project.client_id):  # deleted between the check and the write
            raise ValidationFailed.field("client_id", "does not exist in this organization") from error
        raise
    indexing.request_reindex(org_id=project.org_id, entity_type="project", entity_id=project.id)
    return project


def update(*, principal: Principal, project_id: str, changes: ProjectUpdate) -> Project:
    """Partial update (admins and project managers); `null` clears optional fields."""
    project = get_visible(principal=principal, project_id=project_id)
    require_manage(principal=principal, project=project)
    fields = changes.model_dump(exclude_unset=True)
    if "name" in fields and fields["name"] is None:
        raise ValidationFailed.field("name", "cannot be null")
    for required in ("status", "billable", "currency"):
        if required in fields and fields[required] is None:
            raise ValidationFailed.field(required, "cannot be null")
    if fields.get("client_id") is not None:
        clients.require_reference(org_id=principal.org_id, client_id=fields["client_id"])
    for field in ("start_date", "end_date"):
        if fields.get(field) is not None:
            fields[field] = fields[field].isoformat()
    if "rounding" in fields:
        fields["rounding"] = _packed_rounding(fields["rounding"])
    before = _snapshot(project)
    after = {**before, **fields}
    if "budget_type" in fields and fields["budget_type"] is None and "budget_amount" not in fields:
        after["budget_amount"] = None  # removing the budget removes its amount
    _require_ordered(after["start_date"], after["end_date"])
    _require_budget(after)
    changed = audit.diff(before, after)
    if not changed:
        return project
    actions = [
        getattr(Project, name).set(after[name]) if after[name] is not None else getattr(Project, name).remove()
        for name in changed
    ]
    if "name" in changed:
        actions.append(Project.name_lower.set(after["name"].lower()))
    actions.append(Project.updated_at.set(utcnow()))
    budget_changed = bool(changed.keys() & {"budget_type", "budget_amount", "budget_alert_thresholds"})
    if budget_changed:  # thresholds no longer crossed under the new budget are armed again
        still = budgets.rearmed(
            project,
            budget_type=after["budget_type"],
            amount=after["budget_amount"],
            thresholds=list(DEFAULT_ALERT_THRESHOLDS)
            if after["budget_alert_thresholds"] is None
            else after["budget_alert_thresholds"],
        )
        actions.append(Project.budget_alerted.set(still) if still else Project.budget_alerted.remove())

    old_client, new_client = before["client_id"], after["client_id"]
    rate_change = None
    if "hourly_rate" in changed:  # with a dated rate history, a new rate from today (docs/rates.md)
        from chalicelib.rates import service as rate_history  # it reads projects: imported when needed

        rate_change = rate_history.direct_change(
            org_id=principal.org_id,
            holder_type="project",
            holder_id=project.id,
            field="hourly_rate",
            rate=after["hourly_rate"],
            user_id=principal.user_id,
        )

    def write(tx) -> None:
        tx.update(project, actions=actions)
        if rate_change is not None:
            rate_history.save(tx, rate_change)
        if budget_changed and after["budget_type"] is not None:
            budgets.request_check(tx, org_id=principal.org_id, project_id=project.id)
        if "client_id" in changed:  # the clients domain counts the projects pointing at each client
            if new_client is not None:
                clients.add_reference(tx, org_id=principal.org_id, client_id=new_client)
            if old_client is not None:
                clients.remove_reference(tx, org_id=principal.org_id, client_id=old_client)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="project",
            entity_id=project.id,
            changes=changed,
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        if "client_id" in changed and _client_gone(principal, new_client):
            raise ValidationFailed.field("client_id", "does not exist in this organization") from error
        get_visible(principal=principal, project_id=project_id)  # 404 when it was deleted meanwhile
        raise Conflict("The project was changed by someone else; retry.") from error
    if "name" in changed or "description" in changed:
        indexing.request_reindex(org_id=project.org_id, entity_type="project", entity_id=project.id)
    return Project.get(*Project.keys(principal.org_id, project.id), consistent_read=True)


def delete(*, principal: Principal, project_id: str) -> None:
    """Delete a project (admins); its tasks and everything under them go in a background job."""
    principal.require_admin()
    project = get_visible(principal=principal, project_id=project_id)

    def write(tx) -> None:
        # Not versioned: a concurrent edit or member change must not turn a delete into a 404.
        tx.delete(project, condition=Project.PK.exists(), add_version_condition=False)
        billing.release(tx, org_id=principal.org_id, resource="projects")
        if project.client_id is not None:
            clients.remove_reference(tx, org_id=principal.org_id, client_id=project.client_id)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="project",
            entity_id=project.id,
            changes={"name": {"from": project.name, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        get_visible(principal=principal, project_id=project_id)  # 404 when it was deleted meanwhile
        raise Conflict("The project changed while it was being deleted; retry.") from error
    jobs.enqueue(PROJECT_DELETED_JOB, {"org_id": principal.org_id, "project_id": project.id})
    indexing.request_reindex(org_id=project.org_id, entity_type="project", entity_id=project.id)


@jobs.job(PROJECT_DELETED_JOB)
def _delete_project_members(payload: dict) -> None:
    pk = Project.keys(payload["org_id"], "")[0]
    prefix = f"{ProjectMember.SK_PREFIX}{payload['project_id']}#"
    with Item.batch_write() as batch:
        for member in ProjectMember.query(pk, key_prefix(ProjectMember.SK, prefix)):
            batch.delete(member)


# --- project members -----------------------------------------------------------------------------------------


def list_members(
    *, principal: Principal, project_id: str, updated_since: datetime | None = None
) -> list[ProjectMember]:
    """A project's explicit members (those added at or after `updated_since` if given: members never change)."""
    project = get_visible(principal=principal, project_id=project_id)
    prefix = f"{ProjectMember.SK_PREFIX}{project.id}#"
    added_since = ProjectMember.created_at >= updated_since if updated_since is not None else None
    return list(ProjectMember.query(project.PK, key_prefix(ProjectMember.SK, prefix), added_since))


def add_member(*, principal: Principal, project_id: str, body: ProjectMemberAdd) -> ProjectMember:
    """Give an org member explicit access (admins and managers); the project becomes restricted."""
    project = get_visible(principal=principal, project_id=project_id)
    require_manage(principal=principal, project=project)
    if orgs.membership(org_id=principal.org_id, user_id=body.user_id) is None:
        raise ValidationFailed.field("user_id", "is not a member of this organization")
    pk, sk = ProjectMember.keys(principal.org_id, project.id, body.user_id)
    member = ProjectMember(
        PK=pk,
        SK=sk,
        project_id=project.id,
        user_id=body.user_id,
        org_id=principal.org_id,
        role=body.role,
        created_at=utcnow(),
    )
    member.GSI1PK, member.GSI1SK = ProjectMember.user_partition(principal.org_id, body.user_id), project.id

    def write(tx) -> None:
        tx.save(member, condition=ProjectMember.PK.does_not_exist())
        tx.update(
            project, actions=[Project.member_count.add(1)], condition=Project.PK.exists(), add_version_condition=False
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="member_added",
            entity_type="project",
            entity_id=project.id,
            changes={"member": {"from": None, "to": body.user_id}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        get_visible(principal=principal, project_id=project_id)  # 404 when it was deleted meanwhile
        raise Conflict("This user is already a member of the project.") from error
    return member


def remove_member(*, principal: Principal, project_id: str, user_id: str) -> None:
    """Remove an explicit member (admins and managers); with none left the project is open to the org again."""
    project = get_visible(principal=principal, project_id=project_id)
    require_manage(principal=principal, project=project)
    member = ProjectMember.get_or_none(*ProjectMember.keys(principal.org_id, project.id, user_id))
    if member is None:
        raise NotFound("Project member not found.")

    def write(tx) -> None:
        tx.delete(member, condition=ProjectMember.PK.exists())
        tx.update(
            project,
            actions=[Project.member_count.add(-1)],
            condition=Project.member_count > 0,
            add_version_condition=False,
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="member_removed",
            entity_type="project",
            entity_id=project.id,
            changes={"member": {"from": user_id, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Project member not found.") from error


def _search_document(*, org_id: str, entity_id: str) -> indexing.Document | None:
    project = Project.get_or_none(*Project.keys(org_id, entity_id))
    return indexing.Document(project.name, project.description or "", project.id) if project else None


indexing.register_source("project", _search_document)


def set_current_rate(tx, *, project: Project, hourly_rate: int | None) -> None:
    """In `tx`: the project's `hourly_rate` shows the rate now in force (the rates domain's dated changes)."""
    rate = Project.hourly_rate.set(hourly_rate) if hourly_rate is not None else Project.hourly_rate.remove()
    tx.update(project, actions=[rate, Project.updated_at.set(utcnow())])
