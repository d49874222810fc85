"""The caller of a request, as every service sees it. Resolved from a credential by the auth domain."""

from dataclasses import dataclass

from chalicelib.core.errors import Forbidden

ROLES = ("owner", "admin", "member")


@dataclass(frozen=True)
class Principal:
    user_id: str
    org_id: str
    role: str
    session_id: str | None = None
    token_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None

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
