import threading

import pytest
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import UpdateError

from chalicelib.core.db import Item, TransactionCancelled, transaction
from chalicelib.core.metrics import count_dynamodb_calls


class Probe(Item, discriminator="PROBE"):
    name = UnicodeAttribute()
    count = NumberAttribute(default=0)


def probe(key: str, name: str = "x") -> Probe:
    return Probe(PK=f"PROBE#{key}", SK="PROBE", name=name)


def test_transaction_writes_every_item(table):
    with transaction() as tx:
        tx.save(probe("a"))
        tx.save(probe("b"))
    assert Probe.get_or_none("PROBE#a", "PROBE") is not None
    assert Probe.get_or_none("PROBE#b", "PROBE") is not None


def test_failed_condition_cancels_the_whole_transaction_with_409(table):
    probe("taken").save()
    with pytest.raises(TransactionCancelled) as caught, transaction() as tx:
        tx.save(probe("fresh"))
        tx.save(probe("taken"), condition=Probe.PK.does_not_exist())
    assert caught.value.status == 409
    assert caught.value.failed("PROBE#taken", "PROBE") and not caught.value.failed("PROBE#fresh", "PROBE")
    assert Probe.get_or_none("PROBE#fresh", "PROBE") is None


def test_base_item_queries_return_the_stored_subclass(table):
    probe("typed", name="hello").save()
    [found] = list(Item.query("PROBE#typed"))
    assert isinstance(found, Probe) and found.name == "hello"


def test_call_counter_sees_calls_from_every_thread(table):
    with count_dynamodb_calls() as calls:
        probe("counted").save()
        worker = threading.Thread(target=lambda: Probe.get_or_none("PROBE#counted", "PROBE"))
        worker.start()
        worker.join()
    assert calls["PutItem"] == 1
    assert calls["GetItem"] == 1
    assert calls.total == 2


class VersionedProbe(Item, discriminator="VERSIONED_PROBE"):
    name = UnicodeAttribute()
    count = NumberAttribute(default=0)
    version = VersionAttribute()


def test_a_blind_counter_update_keeps_an_edit_made_from_a_stale_read_failing(table):
    # GIVEN an item edited twice (version 3) and a copy of it read by a slow editor
    item = VersionedProbe(PK="PROBE#v", SK="PROBE", name="a")
    item.save()
    item.update(actions=[VersionedProbe.name.set("b")])
    item.update(actions=[VersionedProbe.name.set("c")])
    stale = VersionedProbe.get("PROBE#v", "PROBE")
    # WHEN a counter on it changes without reading it first
    with transaction() as tx:
        blind = VersionedProbe.unread("PROBE#v", "PROBE")
        tx.update(blind, actions=[VersionedProbe.count.add(1)], add_version_condition=False)
    # THEN the stored version moved on, so the stale copy's write is refused instead of overwriting
    assert VersionedProbe.get("PROBE#v", "PROBE").version == stale.version + 1
    with pytest.raises(UpdateError):
        stale.update(actions=[VersionedProbe.name.set("stale")])
    assert VersionedProbe.get("PROBE#v", "PROBE").name == "c"
