"""Outgoing webhook requests that cannot be pointed at Stint's own network (docs/decisions.md 48, 85).

One piece for every outbound webhook: Git's copies of provider events and the org's event subscriptions.

The target's host is resolved once; every address it resolves to must be public (not private, loopback,
link-local, shared, reserved, multicast or unspecified) unless the `webhooks_allow_private_targets` setting
says otherwise (tests and the local stack). The connection then goes to the checked address itself — the
Host header and TLS server name keep the URL's host — so a second DNS answer cannot swap in another target.
Redirects are not followed; timeouts bound every socket operation; at most 64 KB of the answer is read.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10.0
_MAX_RESPONSE_BYTES = 65_536
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class TargetRefused(Exception):
    """The URL may not be called (not http(s), or it leads to a non-public address)."""


@dataclass(frozen=True)
class Answer:
    status: int


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def literal_host_refused(url: str, *, allow_private: bool) -> str | None:
    """Why a URL is refused without resolving it (scheme, credentials, a private literal address), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http or https URL"
    if parts.username or parts.password:
        return "must not contain credentials"
    try:
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return "has an invalid port"
    if allow_private:
        return None
    host = parts.hostname.rstrip(".").lower()
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return "must not point to a private or loopback address"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return None if _public(address) else "must not point to a private or loopback address"


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to: every address `host` resolves to must be public (unless allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ConnectionError(f"cannot resolve {host}") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise ConnectionError(f"cannot resolve {host}")
    if not allow_private:
        for text in addresses:
            if not _public(ipaddress.ip_address(text.split("%")[0])):
                raise TargetRefused(f"{host} resolves to a non-public address")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool, timeout: float | None = None):
    """POST `body` to `url` (SSRF-checked); the answer's status. Network failures and timeouts raise OSError."""
    timeout = timeout or TIMEOUT_SECONDS
    reason = literal_host_refused(url, allow_private=allow_private)
    if reason:
        raise TargetRefused(f"url {reason}")
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolve(parts.hostname, port, allow_private=allow_private)
    connection = (_PinnedHTTPS if https else _PinnedHTTP)(parts.hostname, port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers={**headers, "Content-Length": str(len(body))})
        response = connection.getresponse()
        response.read(_MAX_RESPONSE_BYTES)
        return Answer(response.status)
    finally:
        connection.close()


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt came to: the answer's status (None when there was none), how long it took, and
    why it failed (None when the target answered)."""

    status: int | None
    latency_ms: int
    error: str | None = None
    refused: bool = False  # the target may not be called at all (scheme, private address): never retried

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        """A failure that may pass: no answer (network, timeout), 408, 429 or a 5xx."""
        if self.delivered or self.refused:
            return False
        return self.status is None or self.status in (408, 429) or self.status >= 500


def send(
    url: str, body: bytes, headers: dict[str, str], *, allow_private: bool, timeout: float | None = None
) -> Outcome:
    """POST like `post`, never raising for the target's sake: the outcome says what happened and how long it took."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        answer = post(url, body, headers, allow_private=allow_private, timeout=timeout)
    except TargetRefused as refused:
        return Outcome(None, elapsed(), str(refused), refused=True)
    except TimeoutError:
        return Outcome(None, elapsed(), "timed out")
    except (OSError, http.client.HTTPException) as failure:
        return Outcome(None, elapsed(), f"{type(failure).__name__}: {failure}"[:300])
    return Outcome(answer.status, elapsed())
