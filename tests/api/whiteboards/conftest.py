"""People around whiteboards: the owner, an admin, two plain members, another org's owner."""

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
    return factories.join(api, owner, role="member", name="Max Member")


@pytest.fixture
def outsider(api):
    """The owner of a different organization."""
    return factories.register(api, name="Otto Outsider")
