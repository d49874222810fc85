"""A task and labels in one org, and the owner of another org."""

import pytest

from tests.support import task_setup


@pytest.fixture
def project_id(owner):
    return task_setup.project(owner)


@pytest.fixture
def task(owner, project_id):
    return task_setup.task(owner, project_id)


@pytest.fixture
def label(owner):
    return task_setup.label(owner, "bug")
