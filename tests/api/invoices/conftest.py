"""People in two organizations: an owner, an admin and a member in one, and an outsider owning another."""

import pytest

from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api, name="Olive Owner")


@pytest.fixture
def admin(api, owner):
    return factories.join(api, owner, role="admin", name="Ada Admin")


@pytest.fixture
def member(api, owner):
    return factories.join(api, owner, role="member", name="Sam Member")


@pytest.fixture
def outsider(api):
    """The owner of another organization."""
    return factories.register(api, name="Otto Outsider")


@pytest.fixture
def client_id(owner) -> str:
    """A client of the owner's org, billed in EUR, with one contact who receives invoices."""
    from tests.api.invoices.helpers import add_contact, create_client

    client = create_client(owner, name="Acme Corp", currency="EUR", email="billing@acme.example")
    add_contact(owner, client["id"], name="Carla Contact", email="carla@acme.example")
    return client["id"]
