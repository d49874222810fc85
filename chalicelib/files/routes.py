from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.auth import service as auth
from chalicelib.auth.current import current_principal, request_actor
from chalicelib.core.auth import Principal
from chalicelib.core.http import client_ip, created, no_content, parse_body, parse_query
from chalicelib.files import service
from chalicelib.files.form import read_upload
from chalicelib.files.schemas import (
    AttachmentFilters,
    ContentParams,
    FileOut,
    FileUrlOut,
    PresignedPostOut,
    UploadParams,
    UploadStart,
    UploadStartOut,
    ViewTicketOut,
)
from chalicelib.orgs.schemas import OrgOut
from chalicelib.users.schemas import UserOut

bp = Blueprint(__name__)
MULTIPART = ["multipart/form-data"]


def _viewer(request: Request) -> Principal:
    """The caller of a content URL: a view ticket (`?ticket=`), the Authorization header, or `?token=`."""
    params = parse_query(request, ContentParams)
    if params.ticket:
        return service.viewer_from_ticket(
            ticket=params.ticket, ip=client_ip(request), user_agent=(request.headers or {}).get("user-agent")
        )
    if params.token and not (request.headers or {}).get("authorization"):
        return auth.authenticate(authorization=f"Bearer {params.token}", actor=request_actor(request))
    return current_principal(request)


def _redirect(location: str) -> Response:
    """307 to a short-lived presigned URL; not cached, since the URL expires."""
    return Response(body="", status_code=307, headers={"Location": location, "Cache-Control": "no-store"})


# --- files ---------------------------------------------------------------------------------------------------


@bp.route("/files/upload", methods=["POST"], content_types=MULTIPART)
def upload_file():
    principal = current_principal(bp.current_request)
    params = parse_query(bp.current_request, UploadParams)
    upload = read_upload(bp.current_request, too_large=service.TOO_LARGE_FOR_API)
    stored = service.upload(principal=principal, task_id=params.task_id, upload=upload)
    return created(FileOut.of(stored, service.links(stored)).dump())


@bp.route("/files/presigned-upload", methods=["POST"])
def start_upload():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, UploadStart)
    stored, post, expires_at = service.start_upload(principal=principal, body=body)
    upload = PresignedPostOut(
        url=post["url"], fields=post["fields"], expires_at=expires_at, max_size=service.MAX_FILE_BYTES
    )
    return created(UploadStartOut(file=FileOut.of(stored), upload=upload).dump())


@bp.route("/files/{file_id}/confirm", methods=["POST"])
def confirm_upload(file_id):
    stored = service.confirm_upload(principal=current_principal(bp.current_request), file_id=file_id)
    return FileOut.of(stored, service.links(stored)).dump()


@bp.route("/tasks/{task_id}/attachments", methods=["GET"])
def list_attachments(task_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, AttachmentFilters)
    page = service.list_attachments(principal=principal, task_id=task_id, filters=filters)
    return filters.response([FileOut.of(f, service.links(f)).dump() for f in page.items], page.next_cursor)


@bp.route("/files/view-ticket", methods=["POST"])
def issue_view_ticket():
    ticket, expires_at = service.issue_view_ticket(principal=current_principal(bp.current_request))
    return created(ViewTicketOut.of(ticket, expires_at, service.VIEW_TICKET_SECONDS).dump())


@bp.route("/files/{file_id}", methods=["GET"])
def get_file(file_id):
    stored = service.get_visible(principal=current_principal(bp.current_request), file_id=file_id)
    return FileOut.of(stored, service.links(stored)).dump()


@bp.route("/files/{file_id}/url", methods=["GET"])
def get_file_url(file_id):
    stored = service.get_visible(principal=current_principal(bp.current_request), file_id=file_id)
    links = service.links(stored)
    return FileUrlOut(
        id=stored.id, url=links.url, thumbnail_url=links.thumbnail_url, expires_at=links.expires_at
    ).dump()


@bp.route("/files/{file_id}/content", methods=["GET"])
def get_file_content(file_id):
    return _redirect(service.content_location(principal=_viewer(bp.current_request), file_id=file_id))


@bp.route("/files/{file_id}", methods=["DELETE"])
def delete_file(file_id):
    service.delete(principal=current_principal(bp.current_request), file_id=file_id)
    return no_content()


# --- avatars and logos ---------------------------------------------------------------------------------------


@bp.route("/users/me/avatar/upload", methods=["POST"], content_types=MULTIPART)
def upload_avatar():
    principal = current_principal(bp.current_request)
    upload = read_upload(bp.current_request, too_large="exceeds 6 MB")
    return UserOut.of(service.set_avatar(principal=principal, upload=upload)).dump()


@bp.route("/users/me/avatar", methods=["DELETE"])
def delete_avatar():
    service.remove_avatar(principal=current_principal(bp.current_request))
    return no_content()


@bp.route("/users/me/avatar", methods=["GET"])
def get_own_avatar():
    principal = _viewer(bp.current_request)
    return _redirect(service.avatar_location(principal=principal, user_id=principal.user_id))


@bp.route("/users/{user_id}/avatar", methods=["GET"])
def get_avatar(user_id):
    return _redirect(service.avatar_location(principal=_viewer(bp.current_request), user_id=user_id))


@bp.route("/organizations/{org_id}/logo/upload", methods=["POST"], content_types=MULTIPART)
def upload_logo(org_id):
    principal = current_principal(bp.current_request)
    upload = read_upload(bp.current_request, too_large="exceeds 6 MB")
    org, role = service.set_logo(principal=principal, org_id=org_id, upload=upload)
    return OrgOut.of(org, role=role).dump()


@bp.route("/organizations/{org_id}/logo", methods=["DELETE"])
def delete_logo(org_id):
    service.remove_logo(principal=current_principal(bp.current_request), org_id=org_id)
    return no_content()


@bp.route("/organizations/{org_id}/logo", methods=["GET"])
def get_logo(org_id):
    return _redirect(service.logo_location(principal=_viewer(bp.current_request), org_id=org_id))
