"""The `type` values /sync/deletions accepts are exactly the types whose deletions leave tombstones."""

import importlib
import importlib.util
import pkgutil
from typing import get_args

import pytest
from pynamodb.exceptions import DeleteError

import chalicelib
from chalicelib.core import sync
from chalicelib.core.db import Item
from chalicelib.labels.models import Label
from chalicelib.sync.schemas import SyncType
from chalicelib.sync.service import USER_TYPES


def test_every_tombstoned_type_can_be_asked_for_and_no_other():
    # GIVEN every domain's models loaded (each module declares its syncable models)
    for module in pkgutil.iter_modules(chalicelib.__path__):
        if module.ispkg and importlib.util.find_spec(f"chalicelib.{module.name}.models"):
            importlib.import_module(f"chalicelib.{module.name}.models")
    # THEN the documented enum and the declarations agree
    assert set(get_args(SyncType)) == set(sync.syncable_types()) | USER_TYPES


def _label(owner, name: str = "bug"):
    response = owner.api.post("/api/v1/labels", json={"name": name, "color": "#ff0000"})
    assert response.status_code == 201, response.json_body
    return Label.get(*Label.keys(owner.org_id, response.json_body["id"]))


def _tombstoned(owner) -> list[str]:
    return [t.id for t in sync.Tombstone.query(sync.Tombstone.partition(owner.org_id, "label"))]


def test_a_direct_delete_outside_a_transaction_also_leaves_a_tombstone(owner):
    label = _label(owner)
    label.delete()
    assert _tombstoned(owner) == [label.id]


def test_a_direct_delete_whose_condition_fails_raises_pynamodbs_error_and_leaves_nothing(owner):
    # GIVEN a label, deleted on a condition that does not hold
    label = _label(owner)
    # THEN the caller gets the DeleteError it would get without tombstones, and nothing is written
    with pytest.raises(DeleteError) as raised:
        label.delete(condition=Label.name == "something else")
    assert raised.value.cause_response_code == "ConditionalCheckFailedException"
    assert _tombstoned(owner) == []
    assert Label.get_or_none(label.PK, label.SK, consistent=True) is not None


def test_batch_deletes_leave_tombstones_unless_told_not_to(owner):
    first, second = _label(owner, "one"), _label(owner, "two")
    with Item.batch_write() as batch:
        batch.delete(first)
    with Item.batch_write(companions=False) as batch:  # the org deletion job: no one could read them
        batch.delete(second)
    assert _tombstoned(owner) == [first.id]
