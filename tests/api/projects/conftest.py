"""People around a project: the org's owner, an admin, two members, and the owner of another org."""

import pytest

from tests.support import factories


@pytest.fixture
def other_member(api, owner):
    return factories.join(api, owner, role="member", name="Mo Member")
