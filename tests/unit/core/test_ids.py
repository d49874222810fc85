import time

from chalicelib.core.ids import is_id, new_id


def test_ids_carry_their_prefix_and_a_ulid():
    task_id = new_id("tsk")
    assert task_id.startswith("tsk_")
    assert is_id(task_id, "tsk")


def test_ids_sort_by_creation():
    first = new_id("tsk")
    time.sleep(0.002)
    assert first < new_id("tsk")


def test_malformed_or_foreign_prefixed_ids_are_recognised():
    assert not is_id("tsk_123", "tsk")
    assert not is_id(new_id("prj"), "tsk")
    assert not is_id("", "tsk")
