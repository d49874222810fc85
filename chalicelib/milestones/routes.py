from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.milestones import service
from chalicelib.milestones.schemas import MilestoneCreate, MilestoneFilters, MilestoneOut, MilestoneUpdate

bp = Blueprint(__name__)


@bp.route("/organizations/{org_id}/projects/{project_id}/milestones", methods=["GET"])
def list_milestones(org_id, project_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, MilestoneFilters)
    page = service.list_milestones(principal=principal, org_id=org_id, project_id=project_id, filters=filters)
    return filters.response([MilestoneOut.of(milestone).dump() for milestone in page.items], page.next_cursor)


@bp.route("/organizations/{org_id}/projects/{project_id}/milestones", methods=["POST"])
def create_milestone(org_id, project_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, MilestoneCreate)
    milestone = service.create(principal=principal, org_id=org_id, project_id=project_id, body=body)
    return created(MilestoneOut.of(milestone).dump())


@bp.route("/organizations/{org_id}/milestones/{milestone_id}", methods=["GET"])
def get_milestone(org_id, milestone_id):
    principal = current_principal(bp.current_request)
    return MilestoneOut.of(service.get(principal=principal, org_id=org_id, milestone_id=milestone_id)).dump()


@bp.route("/organizations/{org_id}/milestones/{milestone_id}", methods=["PUT"])
def update_milestone(org_id, milestone_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, MilestoneUpdate)
    milestone = service.update(principal=principal, org_id=org_id, milestone_id=milestone_id, changes=changes)
    return MilestoneOut.of(milestone).dump()


@bp.route("/organizations/{org_id}/milestones/{milestone_id}", methods=["DELETE"])
def delete_milestone(org_id, milestone_id):
    service.delete(principal=current_principal(bp.current_request), org_id=org_id, milestone_id=milestone_id)
    return no_content()
