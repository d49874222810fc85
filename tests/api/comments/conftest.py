"""People around a task: the org's owner (who reports it), a plain member, an admin, another org's owner."""

import pytest

from tests.support import task_setup


@pytest.fixture
def project_id(owner):
    return task_setup.project(owner)


@pytest.fixture
def task(owner, project_id):
    """A task the owner reported, unassigned, in a project everyone in the org can see."""
    return task_setup.task(owner, project_id)
