"""People around a TataTrack workspace: its owner, an admin, a member, and the owner of another workspace."""

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
    """The owner of a different workspace."""
    return factories.register(api, name="Otto Outsider")
