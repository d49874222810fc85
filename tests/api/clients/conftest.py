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
