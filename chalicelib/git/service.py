"""Git integration: connected repositories, their webhooks, inbound deliveries and what they do to tasks.

An inbound delivery is verified and enqueued by `receive` (nothing else happens in the request); the
`git_delivery` job links the commits, pull requests and branches that mention tasks, closes the tasks a merged
pull request fixes, and queues a signed copy of each event for every webhook URL subscribed to its type
(`git_forward` jobs, retried with backoff). Decisions 45–49.
"""

import hashlib
import json
import secrets as random_secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pynamodb.exceptions import PutError

from chalicelib.audit import service as audit
from chalicelib.core import jobs, outbound, sealing
from chalicelib.core.auth import Principal
from chalicelib.core.config import get_settings
from chalicelib.core.db import Item, TransactionCancelled, key_prefix, transact
from chalicelib.core.errors import Conflict, NotFound, PayloadTooLarge, Unauthorized, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.logs import logger
from chalicelib.core.schemas import CursorPageParams
from chalicelib.core.timeutil import epoch_seconds, to_rfc3339, utcnow
from chalicelib.git import providers
from chalicelib.git.models import (
    GitActivity,
    GitDelivery,
    GitRepository,
    GitRepositoryClaim,
    GitWebhook,
    repository_partition,
)
from chalicelib.git.schemas import RepositoryConnect, WebhookCreate, WebhookFilters, repository_name
from chalicelib.projects import service as projects
from chalicelib.statuses import service as statuses
from chalicelib.tasks import service as tasks

DELIVERY_JOB = "git_delivery"
FORWARD_JOB = "git_forward"
MAX_BODY_BYTES = 1_000_000
MAX_WEBHOOKS_PER_REPOSITORY = 10
MAX_TASKS_PER_DELIVERY = 50
DELIVERY_KEEP_SECONDS = 30 * 24 * 3600
FORWARD_ATTEMPTS = 5
RETRY_DELAYS = (30, 120, 600, 900)  # seconds before attempts 2…5 (an SQS delay stops at 15 minutes)
SECRET_PURPOSE = "git-webhook-secrets"  # its sealed secrets' key (core.sealing): unchanged since decision 46
_ACTIVITIES_PER_TRANSACTION = 90  # plus the audit entry, within DynamoDB's 100 items
_SIGNATURE_HEADERS = {providers.GITHUB: "X-Hub-Signature-256", providers.GITLAB: "X-Gitlab-Token"}
_EVENT_HEADERS = {providers.GITHUB: "X-GitHub-Event", providers.GITLAB: "X-Gitlab-Event"}
_DELIVERY_HEADERS = {providers.GITHUB: "X-GitHub-Delivery", providers.GITLAB: "X-Gitlab-Event-UUID"}


def hook_url(*, provider: str, repository_id: str) -> str:
    """The receiver URL to paste into the provider's webhook settings for this repository."""
    return f"{get_settings().public_base_url.rstrip('/')}/api/v1/git/hooks/{provider}/{repository_id}"


# --- repositories --------------------------------------------------------------------------------------------


def _find_repository(org_id: str, repository_id: str, *, consistent: bool = False) -> GitRepository | None:
    if not is_id(repository_id, "repo"):
        return None
    return GitRepository.get_or_none(*GitRepository.keys(org_id, repository_id), consistent=consistent)


def get_repository(*, principal: Principal, repository_id: str, consistent: bool = False) -> GitRepository:
    """The org's repository with this id, or 404 (another org's id included)."""
    repository = _find_repository(principal.org_id, repository_id, consistent=consistent)
    if repository is None:
        raise NotFound("Repository not found.")
    return repository


def list_repositories(*, principal: Principal, filters: CursorPageParams) -> Page:
    """The org's connected repositories, oldest first (any member)."""
    return query_page(
        GitRepository,
        GitRepository.keys(principal.org_id, "")[0],
        range_key_condition=key_prefix(GitRepository.SK, GitRepository.SK_PREFIX),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:git-repositories",
    )


def _canonical_url(provider: str, repo_url: str, full_name: str) -> str:
    if provider == providers.GITHUB:
        return f"https://github.com/{full_name}"
    parts = urlsplit(repo_url)
    port = f":{parts.port}" if parts.port else ""
    return f"https://{parts.hostname.lower()}{port}/{full_name}"


def connect(*, principal: Principal, body: RepositoryConnect) -> GitRepository:
    """Connect a repository (admins and owners); once per repository and org; `project_id` must be the org's."""
    principal.require_admin()
    full_name = repository_name(body.provider, body.repo_url)
    if full_name is None:  # the schema already refused it; kept for callers that skip the schema
        raise ValidationFailed.field("repo_url", f"must be a {body.provider} repository URL")
    if body.project_id is not None:
        projects.require_reference(principal=principal, project_id=body.project_id)
    now, repository_id = utcnow(), new_id("repo")
    repository = GitRepository(
        *GitRepository.keys(principal.org_id, repository_id),
        id=repository_id,
        org_id=principal.org_id,
        provider=body.provider,
        repo_url=_canonical_url(body.provider, body.repo_url, full_name),
        full_name=full_name,
        project_id=body.project_id,
        webhook_count=0,
        connected_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    repository.index()
    claim = GitRepositoryClaim(
        *GitRepositoryClaim.keys(principal.org_id, body.provider, full_name), repository_id=repository_id
    )

    def write(tx) -> None:
        tx.save(claim, condition=GitRepositoryClaim.PK.does_not_exist())
        tx.save(repository, condition=GitRepository.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="git_repository",
            entity_id=repository_id,
            changes=audit.diff(
                {}, {"provider": body.provider, "repo_url": repository.repo_url, "project_id": body.project_id}
            ),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        if error.failed(claim.PK, claim.SK):
            raise Conflict("This repository is already connected to the organization.") from error
        raise
    return repository


def _webhooks_of(repository_id: str) -> list[GitWebhook]:
    partition = repository_partition(repository_id)
    return list(GitWebhook.gsi1.query(partition, GitWebhook.GSI1SK.startswith("WEBHOOK#")))


def disconnect(*, principal: Principal, repository_id: str) -> None:
    """Disconnect a repository with its webhooks (admins and owners); linked activity stays on the tasks."""
    principal.require_admin()
    for attempt in range(4):
        repository = get_repository(principal=principal, repository_id=repository_id, consistent=True)
        webhooks = [hook for hook in _webhooks_of(repository.id) if hook.org_id == principal.org_id]

        def write(tx, repository=repository, webhooks=webhooks) -> None:
            # The count condition catches a webhook registered meanwhile (or not yet visible on the index).
            tx.delete(repository, condition=GitRepository.webhook_count == len(webhooks))
            tx.delete(
                GitRepositoryClaim(
                    *GitRepositoryClaim.keys(principal.org_id, repository.provider, repository.full_name)
                )
            )
            for hook in webhooks:
                tx.delete(hook)
            audit.record(
                tx,
                org_id=principal.org_id,
                actor=principal,
                action="deleted",
                entity_type="git_repository",
                entity_id=repository.id,
                changes={"repo_url": {"from": repository.repo_url, "to": None}},
            )

        try:
            transact(write, attempts=1)
            return
        except TransactionCancelled:
            time.sleep(0.05 * (attempt + 1))
    raise Conflict("The repository's webhooks changed meanwhile; retry.")


@jobs.job(projects.PROJECT_DELETED_JOB)
def _unlink_deleted_project(payload: dict) -> None:
    """A deleted project is no longer the target of the repositories linked to it."""
    org_id, project_id = payload["org_id"], payload["project_id"]
    linked = GitRepository.query(
        GitRepository.keys(org_id, "")[0],
        key_prefix(GitRepository.SK, GitRepository.SK_PREFIX),
        filter_condition=GitRepository.project_id == project_id,
    )
    for repository in linked:

        def write(tx, repository=repository) -> None:
            tx.update(
                repository,
                actions=[GitRepository.project_id.remove(), GitRepository.updated_at.set(utcnow())],
                condition=GitRepository.project_id == project_id,
            )
            audit.record(
                tx,
                org_id=org_id,
                actor=audit.Actor(None),
                action="updated",
                entity_type="git_repository",
                entity_id=repository.id,
                changes={"project_id": {"from": project_id, "to": None}},
            )

        try:
            transact(write)
        except TransactionCancelled:
            logger.info("repository already unlinked or gone", extra={"repository_id": repository.id})


# --- webhooks ------------------------------------------------------------------------------------------------


def register_webhook(*, principal: Principal, body: WebhookCreate) -> tuple[GitWebhook, str]:
    """Register a webhook on a repository (admins and owners); returns it with its secret, shown this once."""
    principal.require_admin()
    reason = outbound.literal_host_refused(body.url, allow_private=bool(get_settings().webhooks_allow_private_targets))
    if reason:
        raise ValidationFailed.field("url", reason)
    repository = _find_repository(principal.org_id, body.repository_id)
    if repository is None:
        raise ValidationFailed.field("repository_id", "does not exist in this organization")
    secret = body.secret or random_secrets.token_urlsafe(32)
    now, webhook_id = utcnow(), new_id("whk")
    webhook = GitWebhook(
        *GitWebhook.keys(principal.org_id, webhook_id),
        id=webhook_id,
        org_id=principal.org_id,
        repository_id=repository.id,
        provider=repository.provider,
        events=list(dict.fromkeys(body.events)),
        url=body.url,
        sealed_secret=sealing.seal(secret, bound_to=webhook_id, purpose=SECRET_PURPOSE),
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    webhook.index()

    def write(tx) -> None:
        tx.update(
            GitRepository(*GitRepository.keys(principal.org_id, repository.id)),
            actions=[GitRepository.webhook_count.add(1)],
            condition=GitRepository.PK.exists() & (GitRepository.webhook_count < MAX_WEBHOOKS_PER_REPOSITORY),
        )
        tx.save(webhook, condition=GitWebhook.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="git_webhook",
            entity_id=webhook_id,
            changes=audit.diff({}, {"repository_id": repository.id, "events": webhook.events, "url": body.url}),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        if _find_repository(principal.org_id, repository.id, consistent=True) is None:
            raise ValidationFailed.field("repository_id", "does not exist in this organization") from error
        raise Conflict(f"A repository has at most {MAX_WEBHOOKS_PER_REPOSITORY} webhooks; delete one first.") from error
    return webhook, secret


def list_webhooks(*, principal: Principal, filters: WebhookFilters) -> Page:
    """The org's webhooks, oldest first, optionally of one repository (admins and owners; no secrets)."""
    principal.require_admin()
    condition = GitWebhook.repository_id == filters.repository_id if filters.repository_id else None
    return query_page(
        GitWebhook,
        GitWebhook.keys(principal.org_id, "")[0],
        range_key_condition=key_prefix(GitWebhook.SK, GitWebhook.SK_PREFIX),
        filter_condition=condition,
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:git-webhooks:{filters.repository_id}",
    )


def delete_webhook(*, principal: Principal, webhook_id: str) -> None:
    """Remove a webhook (admins and owners): its secret no longer verifies deliveries, its URL gets nothing."""
    principal.require_admin()
    webhook = (
        GitWebhook.get_or_none(*GitWebhook.keys(principal.org_id, webhook_id)) if is_id(webhook_id, "whk") else None
    )
    if webhook is None:
        raise NotFound("Webhook not found.")

    def write(tx) -> None:
        tx.delete(webhook, condition=GitWebhook.PK.exists())
        tx.update(
            GitRepository(*GitRepository.keys(principal.org_id, webhook.repository_id)),
            actions=[GitRepository.webhook_count.add(-1)],
            condition=GitRepository.webhook_count > 0,
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="git_webhook",
            entity_id=webhook.id,
            changes={"url": {"from": webhook.url, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Webhook not found.") from error


# --- inbound deliveries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """What the receiver answers: `accepted` (202), `duplicate`, `pong` or `ignored` (200)."""

    status: str
    delivery_id: str | None = None

    @property
    def status_code(self) -> int:
        return 202 if self.status == "accepted" else 200


def _repository_for_delivery(provider: str, repository_id: str) -> tuple[GitRepository, list[GitWebhook]]:
    if not is_id(repository_id, "repo"):
        raise NotFound("Repository not found.")
    found = list(Item.gsi1.query(repository_partition(repository_id)))  # the repository and its webhooks
    repository = next((item for item in found if isinstance(item, GitRepository)), None)
    if repository is None or repository.provider != provider:
        raise NotFound("Repository not found.")
    webhooks = [item for item in found if isinstance(item, GitWebhook) and item.org_id == repository.org_id]
    return repository, webhooks


def _verified(provider: str, webhooks: list[GitWebhook], body: bytes, signature: str | None) -> bool:
    matches = []
    for webhook in webhooks:
        secret = sealing.unseal(webhook.sealed_secret, bound_to=webhook.id, purpose=SECRET_PURPOSE)
        if provider == providers.GITHUB:
            matches.append(providers.github_signature_matches(secret, body, signature))
        else:
            matches.append(providers.gitlab_token_matches(secret, signature))
    return any(matches)


def receive(
    *,
    provider: str,
    repository_id: str,
    headers: dict[str, str],
    body: bytes,
    content_type: str | None,
    ip: str | None,
) -> Receipt:
    """Verify a provider's delivery and queue its processing, once per delivery id; nothing else happens here."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The webhook body exceeds {MAX_BODY_BYTES} bytes.")
    repository, webhooks = _repository_for_delivery(provider, repository_id)
    signature_header = _SIGNATURE_HEADERS[provider]
    if not _verified(provider, webhooks, body, headers.get(signature_header.lower())):
        raise Unauthorized(f"Missing or invalid {signature_header}.")
    event_header = _EVENT_HEADERS[provider]
    event = headers.get(event_header.lower())
    if not event:
        raise ValidationFailed.field(event_header, "is required")
    if provider == providers.GITHUB and event == "ping":
        return Receipt("pong")
    delivery_header = _DELIVERY_HEADERS[provider]
    delivery = providers.delivery_id(headers.get(delivery_header.lower()), delivery_header)
    events = providers.fit(providers.normalize(provider, event, providers.parse_body(body, content_type)))
    if not events:
        return Receipt("ignored", delivery)
    now = utcnow()
    claim = GitDelivery(
        *GitDelivery.keys(repository.org_id, repository.id, delivery),
        repository_id=repository.id,
        delivery_id=delivery,
        event=event[:100],
        received_at=now,
        expires_at=epoch_seconds(now) + DELIVERY_KEEP_SECONDS,
    )
    try:
        claim.save(condition=GitDelivery.PK.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            logger.info("replayed git delivery ignored", extra={"repository_id": repository.id, "delivery": delivery})
            return Receipt("duplicate", delivery)
        raise
    payload = {
        "org_id": repository.org_id,
        "repository_id": repository.id,
        "provider": provider,
        "delivery_id": delivery,
        "ip": ip,
        "events": events,
    }
    try:
        jobs.enqueue(DELIVERY_JOB, payload)
    except BaseException:
        claim.delete()  # the provider's retry (or a manual redelivery) must not be taken for a replay
        raise
    return Receipt("accepted", delivery)


# --- processing ----------------------------------------------------------------------------------------------


def _integration_principal(org_id: str, repository: GitRepository, ip: str | None) -> Principal:
    """Who a merged pull request acts as: no user (audited with the repository in `user_agent`), admin rights.

    Connecting a repository is an admin's decision to let its merged pull requests close the tasks it names.
    """
    return Principal(
        user_id=None,  # type: ignore[arg-type]  (no person: notifications name "Stint", audit has no user)
        org_id=org_id,
        role="admin",
        ip=ip,
        user_agent=f"git:{repository.provider}:{repository.id}",
    )


def _activities(repository: GitRepository, event: dict[str, Any], delivery: str) -> dict[str, list[GitActivity]]:
    """The activity items an event adds, by the task each one mentions."""
    now, by_task = utcnow(), {}

    def add(task_ids: list[str], ref: str, **fields) -> None:
        for task_id in task_ids:
            activity = GitActivity(
                *GitActivity.keys(repository.org_id, task_id, f"{repository.id}#{ref}"),
                id=new_id("gact"),
                org_id=repository.org_id,
                task_id=task_id,
                repository_id=repository.id,
                provider=repository.provider,
                delivery_id=delivery,
                created_at=now,
                **fields,
            )
            activity.index()
            by_task.setdefault(task_id, []).append(activity)

    if event["type"] == "push":
        for commit in event["commits"]:
            add(
                providers.mentioned_tasks(commit["message"]),
                f"commit#{commit['sha']}",
                kind="commit",
                sha=commit["sha"],
                message=commit["message"],
                author=commit["author"],
                url=commit["url"],
                branch=event["branch"],
            )
    elif event["type"] == "pull_request":
        state = "merged" if event["merged"] else ("closed" if event["action"] == "closed" else "opened")
        add(
            providers.mentioned_tasks(event["title"], event["body"], event["source_branch"]),
            f"pr#{event['number']}#{state}",
            kind="pull_request",
            number=event["number"],
            title=event["title"],
            action=state,
            author=event["author"],
            url=event["url"],
            branch=event["source_branch"],
        )
    elif event["type"] == "branch_created":
        add(
            providers.mentioned_tasks(event["branch"]),
            f"branch#{event['branch']}",
            kind="branch",
            branch=event["branch"],
            author=event["sender"],
        )
    return by_task


def _label(repository: GitRepository, activity: GitActivity) -> str:
    """How the audit entry names a link: `acme/app commit 1a2b3c4d5e6f`, `acme/app pull_request #12 merged`."""
    if activity.kind == "commit":
        return f"{repository.full_name} commit {activity.sha[:12]}"
    if activity.kind == "pull_request":
        return f"{repository.full_name} pull_request #{int(activity.number)} {activity.action}"
    return f"{repository.full_name} branch {activity.branch}"


def _link(repository: GitRepository, task_id: str, activities: list[GitActivity], actor: audit.Actor) -> None:
    """Write the task's new activity items with one audit entry; items already linked are left as they are."""
    pending = activities
    while pending:
        chunk = pending[:_ACTIVITIES_PER_TRANSACTION]

        def write(tx, chunk=chunk) -> None:
            for activity in chunk:
                tx.save(activity, condition=GitActivity.PK.does_not_exist())
            audit.record(
                tx,
                org_id=chunk[0].org_id,
                actor=actor,
                action="linked",
                entity_type="task",
                entity_id=task_id,
                changes={"git_activity": {"from": None, "to": [_label(repository, activity) for activity in chunk]}},
            )

        try:
            transact(write)
        except TransactionCancelled as error:
            linked = [activity for activity in chunk if error.failed(activity.PK, activity.SK)]
            if not linked:
                raise
            pending = [activity for activity in pending if activity not in linked]  # linked before: drop, redo
            continue
        pending = pending[len(chunk) :]


def _terminal_status(org_id: str) -> str | None:
    terminal = [status.code for status in statuses.list_statuses(org_id=org_id) if status.is_terminal]
    return "done" if "done" in terminal else next(iter(terminal), None)


def _in_scope(repository: GitRepository, task) -> bool:
    return task is not None and (not repository.project_id or task.project_id == repository.project_id)


@jobs.job(DELIVERY_JOB)
def _process_delivery(payload: dict) -> None:
    """Link what mentions tasks, close what merged pull requests fix, and queue the outgoing copies."""
    repository = _find_repository(payload["org_id"], payload["repository_id"])
    if repository is None:
        logger.info("delivery for a disconnected repository dropped", extra={"repository_id": payload["repository_id"]})
        return
    actor = audit.Actor(None, payload.get("ip"), f"git:{repository.provider}:{repository.id}")
    found: dict[str, Any] = {}  # task id → task (None when missing or out of the repository's project)
    linked_by_event: list[list[str]] = []
    for event in payload["events"]:
        by_task = _activities(repository, event, payload["delivery_id"])
        for task_id in by_task:
            if task_id not in found and len(found) < MAX_TASKS_PER_DELIVERY:
                task = tasks.find(org_id=repository.org_id, task_id=task_id)
                found[task_id] = task if _in_scope(repository, task) else None
        linked = [task_id for task_id in by_task if found.get(task_id) is not None]
        for task_id in linked:
            _link(repository, task_id, by_task[task_id], actor)
        if event["type"] == "pull_request" and event["merged"]:
            for task_id in providers.closed_tasks(event["title"], event["body"]):
                if task_id in linked:
                    _close(repository, found[task_id], payload.get("ip"))
        linked_by_event.append(linked)
    _queue_copies(repository, payload, linked_by_event)


def _close(repository: GitRepository, task, ip: str | None) -> None:
    """Move the task to a terminal status through the workflow (the tasks service writes and audits it)."""
    if task.done:
        return
    status = _terminal_status(repository.org_id)
    if status is None:
        logger.warning("no terminal status to close a task with", extra={"org_id": repository.org_id})
        return
    principal = _integration_principal(repository.org_id, repository, ip)
    tasks.change_status(principal=principal, task_id=task.id, status=status)


# --- outgoing copies -----------------------------------------------------------------------------------------


def _queue_copies(repository: GitRepository, payload: dict, linked_by_event: list[list[str]]) -> None:
    webhooks = [hook for hook in _webhooks_of(repository.id) if hook.org_id == repository.org_id]
    for index, (event, linked) in enumerate(zip(payload["events"], linked_by_event, strict=True)):
        for webhook in webhooks:
            if event["type"] not in webhook.events:
                continue
            copy_id = hashlib.sha256(f"{webhook.id}:{payload['delivery_id']}:{index}".encode()).hexdigest()[:32]
            body = {
                "id": copy_id,
                "event": event["type"],
                "provider": repository.provider,
                "repository": {"id": repository.id, "full_name": repository.full_name, "repo_url": repository.repo_url},
                "delivery_id": payload["delivery_id"],
                "linked_task_ids": linked,
                "data": {key: value for key, value in event.items() if key != "type"},
                "created_at": to_rfc3339(utcnow()),
            }
            jobs.enqueue(
                FORWARD_JOB, {"org_id": repository.org_id, "webhook_id": webhook.id, "body": body, "attempt": 1}
            )


def sign(secret: str, body: bytes) -> str:
    """`X-Stint-Signature-256` of an outgoing body: `sha256=` + hex HMAC-SHA256 with the webhook secret."""
    return providers.github_signature(secret, body)


@jobs.job(FORWARD_JOB)
def _forward(payload: dict) -> None:
    """POST one signed copy; a failure that may pass (network, timeout, 408, 429, 5xx) is retried later."""
    webhook = GitWebhook.get_or_none(*GitWebhook.keys(payload["org_id"], payload["webhook_id"]))
    if webhook is None:
        return  # deleted since: its URL gets nothing more
    copy = payload["body"]
    body = json.dumps(copy, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Stint-Webhooks/1.0",
        "X-Stint-Event": copy["event"],
        "X-Stint-Delivery": copy["id"],
        "X-Stint-Signature-256": sign(
            sealing.unseal(webhook.sealed_secret, bound_to=webhook.id, purpose=SECRET_PURPOSE), body
        ),
    }
    attempt = int(payload["attempt"])
    context = {"webhook_id": webhook.id, "delivery": copy["id"], "attempt": attempt}
    outcome = outbound.send(
        webhook.url, body, headers, allow_private=bool(get_settings().webhooks_allow_private_targets)
    )
    if outcome.refused:
        logger.warning("webhook target refused", extra={**context, "reason": outcome.error})
    elif outcome.status is None:
        logger.info("webhook delivery failed", extra={**context, "error": outcome.error})
        _retry(payload, attempt, context)
    elif outcome.delivered:
        logger.info("webhook delivered", extra={**context, "status": outcome.status})
    elif outcome.retryable:
        logger.info("webhook answered with a retryable status", extra={**context, "status": outcome.status})
        _retry(payload, attempt, context)
    else:
        logger.warning("webhook refused the delivery", extra={**context, "status": outcome.status})


def _retry(payload: dict, attempt: int, context: dict) -> None:
    if attempt >= FORWARD_ATTEMPTS:
        logger.warning("webhook delivery abandoned", extra=context)
        return
    delay = RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)]
    jobs.enqueue(FORWARD_JOB, {**payload, "attempt": attempt + 1}, delay_seconds=delay)


# --- a task's git activity -----------------------------------------------------------------------------------


def list_activity(*, principal: Principal, task_id: str, filters: CursorPageParams) -> Page:
    """The commits, pull requests and branches that mention a task the caller may see, newest first."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    return query_page(
        GitActivity,
        GitActivity.task_partition(principal.org_id, task.id),
        index=GitActivity.gsi1,
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        scope=f"{principal.org_id}:git-activity:{task.id}",
    )


@jobs.job(tasks.TASK_DELETED_JOB)
def _delete_task_activity(payload: dict) -> None:
    partition = GitActivity.task_partition(payload["org_id"], payload["task_id"])
    with GitActivity.batch_write() as batch:
        for activity in GitActivity.gsi1.query(partition):
            batch.delete(activity)
