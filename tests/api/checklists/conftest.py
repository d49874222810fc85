"""People around a task: the org's owner (who reports it), a plain member, another org's owner."""

import pytest

from tests.support import factories, task_setup


@pytest.fixture
def member(api, owner):
    """An org member without manage_tasks on any project."""
    return factories.join(api, owner, role="member", name="Sam Member")


@pytest.fixture
def project_id(owner):
    return task_setup.project(owner)


@pytest.fixture
def task(owner, project_id):
    """A task in a project everyone in the org can see."""
    return task_setup.task(owner, project_id)
