"""The same client as the invoice tests."""

from tests.api.invoices.conftest import client_id

__all__ = ["client_id"]
