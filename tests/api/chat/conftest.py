"""An org with an owner, a member, a second member and an admin; another org's owner."""

import pytest

from tests.support import factories


@pytest.fixture
def other_member(api, owner):
    return factories.join(api, owner, role="member", name="Mo Other")
