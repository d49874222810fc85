from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.core.schemas import SyncParams, page_response
from chalicelib.projects import service
from chalicelib.projects.schemas import (
    ProjectCreate,
    ProjectFilters,
    ProjectMemberAdd,
    ProjectMemberOut,
    ProjectOut,
    ProjectUpdate,
)

bp = Blueprint(__name__)


@bp.route("/projects", methods=["GET"])
def list_projects():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, ProjectFilters)
    page = service.list_projects(principal=principal, filters=filters)
    return filters.response([ProjectOut.of(project).dump() for project in page.items], page.next_cursor)


@bp.route("/projects", methods=["POST"])
def create_project():
    principal = current_principal(bp.current_request)
    project = service.create(principal=principal, body=parse_body(bp.current_request, ProjectCreate))
    return created(ProjectOut.of(project).dump())


@bp.route("/projects/{project_id}", methods=["GET"])
def get_project(project_id):
    principal = current_principal(bp.current_request)
    return ProjectOut.of(service.get_visible(principal=principal, project_id=project_id)).dump()


@bp.route("/projects/{project_id}", methods=["PUT"])
def update_project(project_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, ProjectUpdate)
    return ProjectOut.of(service.update(principal=principal, project_id=project_id, changes=changes)).dump()


@bp.route("/projects/{project_id}", methods=["DELETE"])
def delete_project(project_id):
    service.delete(principal=current_principal(bp.current_request), project_id=project_id)
    return no_content()


@bp.route("/projects/{project_id}/members", methods=["GET"])
def list_project_members(project_id):
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, SyncParams)
    members = service.list_members(principal=principal, project_id=project_id, updated_since=query.updated_since)
    return page_response([ProjectMemberOut.of(member).dump() for member in members], next_cursor=None)


@bp.route("/projects/{project_id}/members", methods=["POST"])
def add_project_member(project_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, ProjectMemberAdd)
    return created(
        ProjectMemberOut.of(service.add_member(principal=principal, project_id=project_id, body=body)).dump()
    )


@bp.route("/projects/{project_id}/members/{user_id}", methods=["DELETE"])
def remove_project_member(project_id, user_id):
    service.remove_member(principal=current_principal(bp.current_request), project_id=project_id, user_id=user_id)
    return no_content()
