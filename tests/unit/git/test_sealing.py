"""Webhook secrets are stored sealed: readable back, but only for the webhook they belong to."""

import pytest

from chalicelib.core import sealing

P = "git-webhook-secrets"


def test_a_sealed_secret_opens_to_the_same_secret_and_does_not_contain_it():
    sealed = sealing.seal("It's a Secret to Everybody", bound_to="whk_1", purpose=P)
    assert "Secret" not in sealed
    assert sealing.unseal(sealed, bound_to="whk_1", purpose=P) == "It's a Secret to Everybody"


def test_sealing_twice_gives_different_values():
    assert sealing.seal("same", bound_to="whk_1", purpose=P) != sealing.seal("same", bound_to="whk_1", purpose=P)


def test_a_sealed_secret_moved_to_another_webhook_does_not_open():
    sealed = sealing.seal("It's a Secret to Everybody", bound_to="whk_1", purpose=P)
    with pytest.raises(ValueError):
        sealing.unseal(sealed, bound_to="whk_2", purpose=P)


def test_an_altered_sealed_secret_does_not_open():
    sealed = sealing.seal("It's a Secret to Everybody", bound_to="whk_1", purpose=P)
    altered = sealed[:-3] + ("AAA" if not sealed.endswith("AAA") else "BBB")
    with pytest.raises(ValueError):
        sealing.unseal(altered, bound_to="whk_1", purpose=P)


def test_a_secret_sealed_for_one_purpose_does_not_open_for_another():
    sealed = sealing.seal("It's a Secret to Everybody", bound_to="whk_1", purpose=P)
    with pytest.raises(ValueError):
        sealing.unseal(sealed, bound_to="whk_1", purpose="event-webhook-secrets")
