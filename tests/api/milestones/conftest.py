"""People around a project with milestones: its owner, a plain member, another org's owner, and the project."""

import pytest

from tests.api.milestones import helpers
from tests.support import factories


@pytest.fixture
def member(api, owner):
    """An org member without manage_tasks on any project."""
    return factories.join(api, owner, role="member", name="Sam Member")


@pytest.fixture
def project_id(owner):
    return helpers.project(owner)
