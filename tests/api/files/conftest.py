"""People around a task: the org's owner (who reports it), a plain member, an admin, another org's owner."""

import pytest

from tests.support import factories, task_setup


@pytest.fixture
def owner(api):
    return factories.register(api, name="Olive Owner")


@pytest.fixture
def member(api, owner):
    return factories.join(api, owner, role="member", name="Sam Member")


@pytest.fixture
def admin(api, owner):
    return factories.join(api, owner, role="admin", name="Ada Admin")


@pytest.fixture
def outsider(api):
    """The owner of a different organization."""
    return factories.register(api, name="Otto Outsider")


@pytest.fixture
def project_id(owner):
    return task_setup.project(owner)


@pytest.fixture
def task(owner, project_id):
    """A task the owner reported, in a project everyone in the org can see."""
    return task_setup.task(owner, project_id)
