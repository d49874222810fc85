from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.comments import service
from chalicelib.comments.schemas import CommentCreate, CommentFilters, CommentOut, CommentUpdate
from chalicelib.core.http import created, no_content, parse_body, parse_query

bp = Blueprint(__name__)


@bp.route("/tasks/{task_id}/comments", methods=["GET"])
def list_comments(task_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, CommentFilters)
    page = service.list_comments(principal=principal, task_id=task_id, filters=filters)
    return filters.response([CommentOut.of(comment).dump() for comment in page.items], page.next_cursor)


@bp.route("/tasks/{task_id}/comments", methods=["POST"])
def create_comment(task_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, CommentCreate)
    return created(CommentOut.of(service.create(principal=principal, task_id=task_id, body=body)).dump())


@bp.route("/tasks/{task_id}/comments/{comment_id}", methods=["PUT"])
def update_comment(task_id, comment_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, CommentUpdate)
    comment = service.update(principal=principal, task_id=task_id, comment_id=comment_id, changes=changes)
    return CommentOut.of(comment).dump()


@bp.route("/tasks/{task_id}/comments/{comment_id}", methods=["DELETE"])
def delete_comment(task_id, comment_id):
    service.delete(principal=current_principal(bp.current_request), task_id=task_id, comment_id=comment_id)
    return no_content()
