import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, UtcDatetime

Provider = Literal["github", "gitlab"]
EventType = Literal["push", "pull_request", "branch_created"]
RepoUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
# Printable ASCII (GitHub's own example has spaces), no surrounding blanks: typed into a provider's form as it is.
Secret = Annotated[str, StringConstraints(strip_whitespace=False, min_length=16, max_length=256)]
_GITHUB_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_GITHUB_NAME = r"[A-Za-z0-9._-]{1,100}"
_GITLAB_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}"


def _hook_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http or https URL")
    if parts.fragment:
        raise ValueError("must not contain a fragment")
    return value


WebhookUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_hook_url)]


def _printable(value: str) -> str:
    if not re.fullmatch(r"[\x20-\x7e]+", value) or value != value.strip():
        raise ValueError("must be printable ASCII without leading or trailing spaces")
    return value


def repository_name(provider: str, url: str) -> str | None:
    """`owner/name` of a repository URL valid for the provider, or None.

    GitHub: `https://github.com/<owner>/<name>`; GitLab: `https://<gitlab host>/<group>/…/<project>` (gitlab.com
    or a self-managed instance, never github.com). A trailing `.git` or `/` is accepted.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or parts.username or parts.password or parts.query or parts.fragment:
        return None
    path = parts.path.rstrip("/")
    path = path[: -len(".git")] if path.endswith(".git") else path
    segments = path.strip("/").split("/") if path.strip("/") else []
    if provider == "github":
        if host not in ("github.com", "www.github.com") or parts.port or len(segments) != 2:
            return None
        owner, name = segments
        if not re.fullmatch(_GITHUB_OWNER, owner) or not re.fullmatch(_GITHUB_NAME, name) or name in (".", ".."):
            return None
        return f"{owner}/{name}"
    if host in ("github.com", "www.github.com") or "." not in host or not 2 <= len(segments) <= 20:
        return None
    if not all(re.fullmatch(_GITLAB_SEGMENT, segment) for segment in segments) or "-" in segments:
        return None
    return "/".join(segments)


class RepositoryConnect(RequestBody):
    provider: Provider
    repo_url: RepoUrl
    project_id: str | None = None

    @field_validator("repo_url")
    @classmethod
    def _fits_provider(cls, value: str, info: ValidationInfo) -> str:
        provider = info.data.get("provider")
        if provider and repository_name(provider, value) is None:
            example = (
                "https://github.com/<owner>/<repository>"
                if provider == "github"
                else "https://gitlab.com/<group>/<project>"
            )
            raise ValueError(f"must be a {provider} repository URL such as {example}")
        return value


class RepositoryOut(ResponseModel):
    id: str
    provider: str
    repo_url: str
    full_name: str
    project_id: str | None
    hook_url: str
    webhook_count: int
    connected_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, repository, *, hook_url: str) -> "RepositoryOut":
        return cls(
            id=repository.id,
            provider=repository.provider,
            repo_url=repository.repo_url,
            full_name=repository.full_name,
            project_id=repository.project_id,
            hook_url=hook_url,
            webhook_count=int(repository.webhook_count or 0),
            connected_by=repository.connected_by,
            created_at=repository.created_at,
            updated_at=repository.updated_at,
        )


class WebhookCreate(RequestBody):
    repository_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    events: Annotated[list[EventType], Field(min_length=1, max_length=3)]
    url: WebhookUrl
    secret: Annotated[Secret, AfterValidator(_printable)] | None = None


class WebhookFilters(CursorPageParams):
    repository_id: str | None = None


class WebhookOut(ResponseModel):
    id: str
    repository_id: str
    events: list[str]
    url: str
    hook_url: str
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, webhook, *, hook_url: str) -> "WebhookOut":
        return cls(
            id=webhook.id,
            repository_id=webhook.repository_id,
            events=list(webhook.events),
            url=webhook.url,
            hook_url=hook_url,
            created_by=webhook.created_by,
            created_at=webhook.created_at,
            updated_at=webhook.updated_at,
        )


class WebhookCreated(WebhookOut):
    """The registration's answer: the only time the secret is shown."""

    secret: str


class ActivityOut(ResponseModel):
    id: str
    task_id: str
    repository_id: str
    provider: str
    kind: str
    sha: str | None
    message: str | None
    author: str | None
    url: str | None
    branch: str | None
    number: int | None
    title: str | None
    action: str | None
    created_at: UtcDatetime

    @classmethod
    def of(cls, activity) -> "ActivityOut":
        return cls(
            id=activity.id,
            task_id=activity.task_id,
            repository_id=activity.repository_id,
            provider=activity.provider,
            kind=activity.kind,
            sha=activity.sha,
            message=activity.message,
            author=activity.author,
            url=activity.url,
            branch=activity.branch,
            number=int(activity.number) if activity.number is not None else None,
            title=activity.title,
            action=activity.action,
            created_at=activity.created_at,
        )
