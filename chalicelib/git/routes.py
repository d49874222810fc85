from chalice import Blueprint, Response

from chalicelib.auth.current import current_principal
from chalicelib.core.http import client_ip, created, credentials, no_content, parse_body, parse_query
from chalicelib.core.schemas import CursorPageParams
from chalicelib.git import service
from chalicelib.git.providers import GITHUB, GITLAB
from chalicelib.git.schemas import (
    ActivityOut,
    RepositoryConnect,
    RepositoryOut,
    WebhookCreate,
    WebhookCreated,
    WebhookFilters,
    WebhookOut,
)

bp = Blueprint(__name__)
# GitHub posts JSON, or form-encoded `payload=<json>` when the hook is set up that way; GitLab always JSON.
_HOOK_CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded"]


def _repository_out(repository) -> dict:
    hook_url = service.hook_url(provider=repository.provider, repository_id=repository.id)
    return RepositoryOut.of(repository, hook_url=hook_url).dump()


def _webhook_out(webhook) -> WebhookOut:
    return WebhookOut.of(
        webhook, hook_url=service.hook_url(provider=webhook.provider, repository_id=webhook.repository_id)
    )


@bp.route("/git/repositories", methods=["GET"])
def list_repositories():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, CursorPageParams)
    page = service.list_repositories(principal=principal, filters=filters)
    return filters.response([_repository_out(repository) for repository in page.items], page.next_cursor)


@bp.route("/git/repositories", methods=["POST"])
def connect_repository():
    principal = current_principal(bp.current_request)
    repository = service.connect(principal=principal, body=parse_body(bp.current_request, RepositoryConnect))
    return created(_repository_out(repository))


@bp.route("/git/repositories/{repository_id}", methods=["DELETE"])
def disconnect_repository(repository_id):
    service.disconnect(principal=current_principal(bp.current_request), repository_id=repository_id)
    return no_content()


@bp.route("/git/webhooks", methods=["GET"])
def list_webhooks():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, WebhookFilters)
    page = service.list_webhooks(principal=principal, filters=filters)
    return filters.response([_webhook_out(webhook).dump() for webhook in page.items], page.next_cursor)


@bp.route("/git/webhooks", methods=["POST"])
def register_webhook():
    principal = current_principal(bp.current_request)
    webhook, secret = service.register_webhook(principal=principal, body=parse_body(bp.current_request, WebhookCreate))
    body = WebhookCreated(**_webhook_out(webhook).model_dump(), secret=secret).dump()
    return credentials(body, status_code=201)


@bp.route("/git/webhooks/{webhook_id}", methods=["DELETE"])
def delete_webhook(webhook_id):
    service.delete_webhook(principal=current_principal(bp.current_request), webhook_id=webhook_id)
    return no_content()


@bp.route("/tasks/{task_id}/git-activity", methods=["GET"])
def list_task_git_activity(task_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, CursorPageParams)
    page = service.list_activity(principal=principal, task_id=task_id, filters=filters)
    return filters.response([ActivityOut.of(activity).dump() for activity in page.items], page.next_cursor)


# --- provider receivers: no bearer token; each delivery proves itself with the webhook secret ----------------


def _receive(provider: str, repository_id: str) -> Response:
    request = bp.current_request
    receipt = service.receive(
        provider=provider,
        repository_id=repository_id,
        headers={name.lower(): value for name, value in (request.headers or {}).items()},
        body=request.raw_body or b"",
        content_type=(request.headers or {}).get("content-type"),
        ip=client_ip(request),
    )
    body = {"status": receipt.status} | ({"delivery_id": receipt.delivery_id} if receipt.delivery_id else {})
    return Response(body=body, status_code=receipt.status_code)


@bp.route("/git/hooks/github/{repository_id}", methods=["POST"], content_types=_HOOK_CONTENT_TYPES)
def receive_github(repository_id):
    return _receive(GITHUB, repository_id)


@bp.route("/git/hooks/gitlab/{repository_id}", methods=["POST"], content_types=_HOOK_CONTENT_TYPES)
def receive_gitlab(repository_id):
    return _receive(GITLAB, repository_id)
