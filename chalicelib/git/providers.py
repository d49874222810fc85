"""What GitHub and GitLab send: signature checks, delivery headers, and payloads reduced to Stint's events.

Pure functions, no I/O. A provider payload becomes zero or more *normalized events* — small dicts of the
fields Stint uses (types `push`, `pull_request`, `branch_created`) — so the job message stays far below
SQS's size limit whatever the provider sent (docs/decisions.md 47).
"""

import hashlib
import hmac
import json
import re
from typing import Any
from urllib.parse import parse_qs

from chalicelib.core.errors import ValidationFailed

GITHUB, GITLAB = "github", "gitlab"
PROVIDERS = (GITHUB, GITLAB)
EVENT_TYPES = ("push", "pull_request", "branch_created")
MAX_COMMITS = 100  # per push; GitHub and GitLab send at most 20 (GitLab) or a few thousand (GitHub)
MAX_TEXT = 1000  # characters kept of a commit message or PR body line
MAX_TASKS_PER_ITEM = 10  # distinct task ids taken from one commit, PR or branch name
_ZERO_SHA = "0" * 40
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9-]{1,100}$")
# A task id as people type it: any case (branch names are often lower-cased), not glued to other word characters.
_TASK_ID = r"tsk_[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}"
_MENTION = re.compile(rf"(?<![A-Za-z0-9_]){_TASK_ID}(?![A-Za-z0-9_])", re.IGNORECASE)
_CLOSING = re.compile(
    rf"\b(?:fix|fixes|fixed|close|closes|closed|resolve|resolves|resolved)\s*:?\s+({_TASK_ID})(?![A-Za-z0-9_])",
    re.IGNORECASE,
)

# --- signatures ----------------------------------------------------------------------------------------------


def github_signature(secret: str, body: bytes) -> str:
    """`X-Hub-Signature-256`'s value for `body`: `sha256=` + hex HMAC-SHA256 with the webhook secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def github_signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    """Whether the header is the body's signature under `secret` (constant-time comparison)."""
    if not header:
        return False
    return hmac.compare_digest(github_signature(secret, body).encode(), header.strip().encode())


def gitlab_token_matches(secret: str, header: str | None) -> bool:
    """Whether `X-Gitlab-Token` is the webhook secret (constant-time comparison)."""
    if not header:
        return False
    return hmac.compare_digest(secret.encode(), header.encode())


def delivery_id(value: str | None, header: str) -> str:
    """The provider's delivery id from `header`; a missing or malformed one is a 400 naming the header."""
    if not value or not _DELIVERY_ID.match(value.strip()):
        raise ValidationFailed.field(header, "must be the provider's delivery id")
    return value.strip()


# --- payloads ------------------------------------------------------------------------------------------------


def parse_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    """The JSON payload; GitHub's form encoding (`payload=<json>`) is accepted too. 400 if neither."""
    raw: bytes | str = body
    if (content_type or "").split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        raw = (parse_qs(body.decode("utf-8", "replace")).get("payload") or [""])[0]
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationFailed.field("body", "is not valid JSON") from error
    if not isinstance(payload, dict):
        raise ValidationFailed.field("body", "must be a JSON object")
    return payload


def _text(value: Any, limit: int = MAX_TEXT) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _branch(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith("refs/heads/"):
        return ref[len("refs/heads/") :][:255]
    return None


def _commit(raw: Any) -> dict[str, Any] | None:
    raw = _dict(raw)
    sha = raw.get("id")
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-fA-F]{7,64}", sha):
        return None
    author = _dict(raw.get("author"))
    return {
        "sha": sha.lower(),
        "message": _text(raw.get("message")) or "",
        "author": _text(author.get("name") or author.get("username"), 200),
        "url": _text(raw.get("url"), 500),
        "timestamp": _text(raw.get("timestamp"), 40),
    }


def _commits(raw: Any) -> list[dict[str, Any]]:
    commits = [_commit(item) for item in (raw if isinstance(raw, list) else [])[:MAX_COMMITS]]
    return [commit for commit in commits if commit]


def normalize(provider: str, event_header: str | None, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The Stint events a delivery carries (empty for events Stint ignores)."""
    if provider == GITHUB:
        return _github(event_header or "", payload)
    return _gitlab(event_header or "", payload)


def _github(event: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    sender = _text(_dict(payload.get("sender")).get("login"), 200)
    if event == "push":
        branch = _branch(payload.get("ref"))
        if payload.get("deleted") or branch is None:
            return []
        return [{"type": "push", "branch": branch, "sender": sender, "commits": _commits(payload.get("commits"))}]
    if event == "create" and payload.get("ref_type") == "branch" and isinstance(payload.get("ref"), str):
        return [{"type": "branch_created", "branch": payload["ref"][:255], "sender": sender}]
    if event == "pull_request":
        pr = _dict(payload.get("pull_request"))
        number = pr.get("number", payload.get("number"))
        if not isinstance(number, int):
            return []
        action = _text(payload.get("action"), 40) or "updated"
        merged = bool(pr.get("merged")) and action == "closed"
        return [
            {
                "type": "pull_request",
                "action": "merged" if merged else action,
                "number": number,
                "title": _text(pr.get("title"), 500) or "",
                "body": _text(pr.get("body"), 10_000) or "",
                "url": _text(pr.get("html_url"), 500),
                "author": _text(_dict(pr.get("user")).get("login"), 200),
                "source_branch": _text(_dict(pr.get("head")).get("ref"), 255),
                "target_branch": _text(_dict(pr.get("base")).get("ref"), 255),
                "merged": merged,
                "sender": sender,
            }
        ]
    return []


def _gitlab(event: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    sender = _text(payload.get("user_username") or _dict(payload.get("user")).get("username"), 200)
    if event == "Push Hook":
        branch = _branch(payload.get("ref"))
        if branch is None or payload.get("after") == _ZERO_SHA:
            return []
        events = []
        if payload.get("before") == _ZERO_SHA:
            events.append({"type": "branch_created", "branch": branch, "sender": sender})
        events.append({"type": "push", "branch": branch, "sender": sender, "commits": _commits(payload.get("commits"))})
        return events
    if event == "Merge Request Hook":
        attributes = _dict(payload.get("object_attributes"))
        number = attributes.get("iid")
        if not isinstance(number, int):
            return []
        action = _text(attributes.get("action"), 40) or "update"
        merged = action == "merge" or attributes.get("state") == "merged"
        return [
            {
                "type": "pull_request",
                "action": "merged" if merged else _GITLAB_ACTIONS.get(action, action),
                "number": number,
                "title": _text(attributes.get("title"), 500) or "",
                "body": _text(attributes.get("description"), 10_000) or "",
                "url": _text(attributes.get("url"), 500),
                "author": _text(_dict(payload.get("user")).get("username"), 200),
                "source_branch": _text(attributes.get("source_branch"), 255),
                "target_branch": _text(attributes.get("target_branch"), 255),
                "merged": merged,
                "sender": sender,
            }
        ]
    return []


_GITLAB_ACTIONS = {"open": "opened", "close": "closed", "reopen": "reopened", "update": "updated"}


def fit(events: list[dict[str, Any]], *, budget: int = 200_000) -> list[dict[str, Any]]:
    """The events, with the latest commits of pushes dropped until their JSON fits `budget` bytes (a job message)."""
    while len(json.dumps(events)) > budget:
        pushes = [event for event in events if event.get("commits")]
        if not pushes:
            break
        largest = max(pushes, key=lambda event: len(event["commits"]))
        largest["commits"] = largest["commits"][: len(largest["commits"]) // 2]
    return events


# --- task ids ------------------------------------------------------------------------------------------------


def _canonical(task_id: str) -> str:
    return "tsk_" + task_id[4:].upper()


def mentioned_tasks(*texts: str | None) -> list[str]:
    """Task ids mentioned in the texts, canonical (upper-case ULID), first mention first, at most ten."""
    found = [_canonical(m.group(0)) for text in texts if text for m in _MENTION.finditer(text)]
    return list(dict.fromkeys(found))[:MAX_TASKS_PER_ITEM]


def closed_tasks(*texts: str | None) -> list[str]:
    """Task ids that a `fixes|closes|resolves tsk_…` phrase names, canonical, at most ten."""
    found = [_canonical(m.group(1)) for text in texts if text for m in _CLOSING.finditer(text)]
    return list(dict.fromkeys(found))[:MAX_TASKS_PER_ITEM]
