"""Clients of an organization."""

from chalicelib.clients.models import Client
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.ids import is_id


def find(*, org_id: str, client_id: str) -> Client | None:
    """The org's client with this id, or None (another org's id included)."""
    return Client.get_or_none(*Client.keys(org_id, client_id)) if is_id(client_id, "cli") else None


def get(*, org_id: str, client_id: str) -> Client:
    """The org's client with this id, or 404."""
    client = find(org_id=org_id, client_id=client_id)
    if client is None:
        raise NotFound("Client not found.")
    return client


def require_reference(*, org_id: str, client_id: str, field: str = "client_id") -> Client:
    """A client another resource refers to: it must exist in the same org (else 400 naming the field)."""
    client = find(org_id=org_id, client_id=client_id)
    if client is None:
        raise ValidationFailed.field(field, "does not exist in this organization")
    return client
