"""The people most API tests need: an org's owner, a member and an admin, and another org's owner."""

import pytest

from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api, name="Olive Owner")


@pytest.fixture
def member(api, owner):
    return factories.join(api, owner, role="member", name="Sam Member")


@pytest.fixture
def admin(api, owner):
    return factories.join(api, owner, role="admin", name="Ada Admin")


@pytest.fixture
def outsider(api):
    """The owner of another organization."""
    return factories.register(api, name="Otto Outsider")
