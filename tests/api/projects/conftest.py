"""People around a project: the org's owner, an admin, two members, and the owner of another org."""

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
def other_member(api, owner):
    return factories.join(api, owner, role="member", name="Mo Member")


@pytest.fixture
def outsider(api):
    """The owner of a different organization."""
    return factories.register(api, name="Otto Outsider")
