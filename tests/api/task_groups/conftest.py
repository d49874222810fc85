"""People around a project with task groups: its owner, a plain member, a project manager, another org's owner."""

import pytest

from tests.api.task_groups import helpers
from tests.support import factories


@pytest.fixture
def member(api, owner):
    """An org member without manage_tasks on any project."""
    return factories.join(api, owner, role="member", name="Sam Member")


@pytest.fixture
def project_id(owner):
    return helpers.project(owner, name="Website")
