"""People around a knowledge base: the owner, an admin, two plain members, another org's owner."""

import pytest

from tests.support import factories


@pytest.fixture
def other_member(api, owner):
    return factories.join(api, owner, role="member", name="Max Member")
