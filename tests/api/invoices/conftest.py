"""People in two organizations: an owner, an admin and a member in one, and an outsider owning another."""

import pytest


@pytest.fixture
def client_id(owner) -> str:
    """A client of the owner's org, billed in EUR, with one contact who receives invoices."""
    from tests.api.invoices.helpers import add_contact, create_client

    client = create_client(owner, name="Acme Corp", currency="EUR", email="billing@acme.example")
    add_contact(owner, client["id"], name="Carla Contact", email="carla@acme.example")
    return client["id"]
