"""The same people and client as the invoice tests."""

from tests.api.invoices.conftest import admin, client_id, member, outsider, owner

__all__ = ["admin", "client_id", "member", "outsider", "owner"]
