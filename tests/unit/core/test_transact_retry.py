"""`core.db.transact` retries a transaction cancelled only by a concurrent one (DynamoDB's TransactionConflict).

DynamoDB Local serializes transactions and never answers TransactionConflict (the integration test of parallel
registrations sees only ConditionalCheckFailed), so the conflict is injected here.
"""

from contextlib import contextmanager

import pytest
from pynamodb.attributes import UnicodeAttribute

from chalicelib.core import db
from chalicelib.core.db import Item, TransactionCancelled, transact


class Claim(Item, discriminator="RETRY_PROBE"):
    owner = UnicodeAttribute()


def claim(owner: str) -> Claim:
    return Claim(PK="RETRY_PROBE#email", SK="CLAIM", owner=owner)


@pytest.fixture
def conflicts(monkeypatch):
    """Make the next `n` transactions fail as if another transaction held their items; returns the attempt log."""
    real = db.transaction
    attempts: list[str] = []
    pending = {"conflicts": 0}

    @contextmanager
    def flaky_transaction():
        if pending["conflicts"]:
            pending["conflicts"] -= 1
            attempts.append("conflict")
            raise TransactionCancelled(["TransactionConflict", None])
        attempts.append("real")
        with real() as tx:
            yield tx

    monkeypatch.setattr(db, "transaction", flaky_transaction)
    monkeypatch.setattr(db.time, "sleep", lambda _seconds: None)

    def inject(count: int) -> list[str]:
        pending["conflicts"] = count
        return attempts

    return inject


def test_a_conflicted_transaction_is_retried_and_commits(table, conflicts):
    # GIVEN a transaction that meets one concurrent transaction on its first try
    attempts = conflicts(1)
    # WHEN it runs through transact
    transact(lambda tx: tx.save(claim("winner"), condition=Claim.PK.does_not_exist()))
    # THEN it was tried again and its write is there
    assert attempts == ["conflict", "real"]
    assert Claim.get("RETRY_PROBE#email", "CLAIM").owner == "winner"


def test_after_a_retry_a_failed_condition_is_a_conflict_not_another_retry(table, conflicts):
    # GIVEN the email was taken while the transaction waited to retry
    claim("first").save()
    attempts = conflicts(1)
    # WHEN the loser's transaction runs through transact
    with pytest.raises(TransactionCancelled) as caught:
        transact(lambda tx: tx.save(claim("second"), condition=Claim.PK.does_not_exist()))
    # THEN it stops at the failed condition (409), and the first claim stands
    assert attempts == ["conflict", "real"]
    assert caught.value.status == 409 and caught.value.failed("RETRY_PROBE#email", "CLAIM")
    assert Claim.get("RETRY_PROBE#email", "CLAIM").owner == "first"


def test_conflicts_on_every_attempt_give_up_with_409(table, conflicts):
    # GIVEN a transaction that conflicts every time
    attempts = conflicts(3)
    # WHEN it runs through transact with three attempts
    with pytest.raises(TransactionCancelled) as caught:
        transact(lambda tx: tx.save(claim("never")), attempts=3)
    # THEN it tried three times, wrote nothing, and answers 409
    assert attempts == ["conflict"] * 3
    assert caught.value.status == 409 and caught.value.conflicted
    assert Claim.get_or_none("RETRY_PROBE#email", "CLAIM") is None
