"""The caller of a request, as every service sees it. Resolved from a credential by the auth domain.

A personal API token may be narrowed (decision 94): `access` read_only refuses every write, and `scopes` name
the resource families it may use. Which family a route belongs to is decided here, once, from its path, so a
route added later is covered without naming it (a test fails when a new family is not in `_FAMILIES`).
"""

from dataclasses import dataclass

from chalicelib.core.errors import Forbidden

ROLES = ("owner", "admin", "member")

READ_WRITE, READ_ONLY = "read_write", "read_only"
ACCESS_LEVELS = (READ_WRITE, READ_ONLY)

# The scopes a personal API token may be limited to, and what each one reaches.
SCOPES = {
    "account": "your profile, avatar, password, sessions and API tokens (/users, /auth, /api-tokens, /profile)",
    "organization": "organizations, switching and ownership (/organizations, /workspaces)",
    "members": "the member list and invitations (/members, TataTrack /team)",
    "projects": "projects, their members, task groups, stats and milestones",
    "tasks": "tasks and their comments, checklists, labels, dependencies, recurrences; labels and statuses",
    "time_entries": "time entries, timers, tags, timesheets and the time lock",
    "clients": "clients, their contacts and activities",
    "invoices": "invoices, their line items and PDFs",
    "payments": "payments",
    "reports": "reports and the dashboard summary",
    "search": "search",
    "chat": "chat channels, messages and reactions",
    "files": "files, uploads and view tickets",
    "kb": "the knowledge base",
    "whiteboards": "whiteboards and their shares",
    "notifications": "notifications and notification preferences",
    "git": "Git repositories and webhooks",
    "audit": "the audit log",
    "billing": "the subscription and plans",
    "sync": "the deletions feed (/sync/deletions) that sync clients poll",
    "webhooks": "outgoing webhook subscriptions and their deliveries",
}

# The first path segment of a route (after /api/v1 or /api) → its scope. None: public, no token involved.
_FAMILIES: dict[str, str | None] = {
    "me": "account",
    "users": "account",
    "auth": "account",
    "api-tokens": "account",
    "invitations": "account",
    "profile": "account",
    "organizations": "organization",
    "workspaces": "organization",
    "members": "members",
    "team": "members",
    "projects": "projects",
    "tasks": "tasks",
    "task-dependencies": "tasks",
    "task-statuses": "tasks",
    "recurrences": "tasks",
    "labels": "tasks",
    "time-entries": "time_entries",
    "time": "time_entries",
    "entries": "time_entries",
    "tags": "time_entries",
    "timesheets": "time_entries",
    "time-lock": "time_entries",
    "clients": "clients",
    "invoices": "invoices",
    "payments": "payments",
    "reports": "reports",
    "dashboard": "reports",
    "search": "search",
    "chat": "chat",
    "files": "files",
    "kb": "kb",
    "whiteboards": "whiteboards",
    "notifications": "notifications",
    "notification-preferences": "notifications",
    "git": "git",
    "audit-logs": "audit",
    "billing": "billing",
    "sync": "sync",
    "webhooks": "webhooks",
    "webhook-event-types": "webhooks",
    "health": None,
    "openapi.json": None,
    "docs": None,
}
# Longer prefixes that belong to another family than their first segment.
_SUBFAMILIES = {
    ("organizations", "{org_id}", "milestones"): "projects",
    ("organizations", "{org_id}", "projects"): "projects",
}
# Who-am-I reads every token may make, whatever its scopes: integrations check their credential with them.
IDENTITY_ROUTES = {("GET", "/api/v1/me"), ("GET", "/api/v1/users/me")}
# Non-GET routes that only read (a view ticket grants a 60-second read): a read-only token may call them.
READ_ONLY_SAFE_ROUTES = {("POST", "/api/v1/files/view-ticket")}
_READ_METHODS = ("GET", "HEAD", "OPTIONS")
_UNKNOWN = "unknown"


def route_scope(path: str) -> str | None:
    """The scope a route (its template, e.g. `/api/v1/tasks/{task_id}`) belongs to; None for public families."""
    relative = path.removeprefix("/api/v1/") if path.startswith("/api/v1/") else path.removeprefix("/api/")
    segments = tuple(relative.split("/"))
    for prefix, scope in _SUBFAMILIES.items():
        if segments[: len(prefix)] == prefix:
            return scope
    return _FAMILIES.get(segments[0], _UNKNOWN)


def is_known_route(path: str) -> bool:
    """Whether the route's family is in the scope table (every route of the app must be)."""
    return route_scope(path) != _UNKNOWN


@dataclass(frozen=True)
class Principal:
    user_id: str
    org_id: str
    role: str
    session_id: str | None = None
    token_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    access: str = READ_WRITE  # a personal API token's access; sessions are read_write
    scopes: tuple[str, ...] | None = None  # a personal API token's scopes; None: every resource

    @property
    def is_admin(self) -> bool:
        """Owners and admins."""
        return self.role in ("owner", "admin")

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    def require_admin(self) -> None:
        """403 unless the caller is an admin or the owner."""
        if not self.is_admin:
            raise Forbidden("This action requires the admin or owner role.")

    def require_owner(self) -> None:
        """403 unless the caller owns the organization."""
        if not self.is_owner:
            raise Forbidden("This action requires the owner role.")

    def require_route(self, *, method: str, path: str) -> None:
        """403 unless the credential's access and scopes allow `method` on the route `path` (a template)."""
        route = (method.upper(), path)
        if self.access == READ_ONLY and route[0] not in _READ_METHODS and route not in READ_ONLY_SAFE_ROUTES:
            raise Forbidden(
                "This API token is read-only: it cannot create, change or delete anything.",
                details=[{"field": "access", "message": "is read_only"}],
            )
        if self.scopes is None or route in IDENTITY_ROUTES:
            return
        scope = route_scope(path)
        if scope is None:
            return
        if scope == _UNKNOWN:
            raise Forbidden("This route is not available to an API token with scopes.")
        if scope not in self.scopes:
            raise Forbidden(
                f"This API token does not have the `{scope}` scope.",
                details=[{"field": "scopes", "message": f"does not include {scope}"}],
            )
