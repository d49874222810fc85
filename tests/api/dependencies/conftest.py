"""An org with three tasks in one project, a plain member, and the owner of another org."""

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
def a(owner, project_id):
    return task_setup.task(owner, project_id, title="A: design", due_date="2026-04-10")


@pytest.fixture
def b(owner, project_id):
    return task_setup.task(owner, project_id, title="B: build", due_date="2026-04-20")


@pytest.fixture
def c(owner, project_id):
    return task_setup.task(owner, project_id, title="C: ship")
