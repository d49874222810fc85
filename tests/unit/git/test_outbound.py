"""Outgoing webhooks never reach private, loopback or link-local addresses unless the setting allows it."""

import socket

import pytest

from chalicelib.core import outbound


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://api.localhost/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://172.16.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_private_literal_addresses_are_refused(url):
    assert outbound.literal_host_refused(url, allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "https://user:pw@example.com/x", "http:///x"])
def test_urls_that_are_not_plain_http_are_refused_even_when_private_targets_are_allowed(url):
    assert outbound.literal_host_refused(url, allow_private=True)


def test_public_addresses_and_names_pass_the_literal_check():
    assert outbound.literal_host_refused("https://93.184.216.34/hook", allow_private=False) is None
    assert outbound.literal_host_refused("https://hooks.example.com/git", allow_private=False) is None


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    # GIVEN a public-looking name whose DNS answer includes a private address (DNS rebinding)
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
    answers.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 443)))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    # THEN resolving it for a webhook is refused
    with pytest.raises(outbound.TargetRefused):
        outbound.resolve("hooks.example.com", 443, allow_private=False)


def test_a_name_resolving_only_to_public_addresses_is_connected_to_by_address(monkeypatch):
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    assert outbound.resolve("hooks.example.com", 443, allow_private=False) == "93.184.216.34"


def test_posting_to_a_refused_target_raises_before_connecting(monkeypatch):
    def no_connections(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_connections)
    with pytest.raises(outbound.TargetRefused):
        outbound.post("http://169.254.169.254/latest", b"{}", {}, allow_private=False)
