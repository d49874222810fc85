"""People in an organization: its owner, an admin and a member, each signed in there."""

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
