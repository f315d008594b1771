"""HTTP GET with one deadline for the whole exchange: connect, TLS handshake, proxy tunnel, headers, body.

A socket timeout bounds each read, so a server that trickles one byte a second keeps a plain urllib call
alive as long as it likes. Here every blocking socket call (connect, handshake, send, receive) is given
the time left until one deadline, so the exchange ends by then whatever the peer does. Built on urllib
(proxies from the environment, TLS verification as usual); only the sockets are ours.

Name resolution is on the same deadline. ``getaddrinfo`` cannot be given a timeout or interrupted, so it
runs in a daemon thread and the fetch waits for it only as long as the deadline allows. A stalled look-up
is left to finish on its own; concurrent fetches of one host and port wait on the look-up already running
rather than starting another, so a resolver that never answers holds at most one thread per name, not one
per request. Nothing is cached past the look-up: the system resolver (and its TTLs) decides that.

Used by the certificate fetch (verify.py), the time-zone lookup (settings_api.py) and the Reminders API
(reminders_api.py).
"""
from __future__ import annotations

import functools
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from typing import Callable

_deadline = threading.local()  # .at: time.monotonic() by which this thread's exchange must end


class DeadlineExceeded(TimeoutError):
    """The exchange did not finish before its deadline."""


class HTTPStatus(OSError):
    """The server answered with a status the caller did not accept; ``code`` is that status."""

    def __init__(self, code: int):
        super().__init__(f"HTTP {code}")
        self.code = code


def _time_left() -> float:
    left = getattr(_deadline, "at", None)
    if left is None:
        return 30.0  # outside fetch(): only reached if someone reuses these classes directly
    left -= time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("deadline passed")
    return left


class _OnDeadline:
    """Every blocking call a socket makes gets the time left until the thread's deadline."""

    def _timed(name: str):  # noqa: N805  (builds the methods below, at class creation)
        def call(self, *args, **kwargs):
            self.settimeout(_time_left())
            return getattr(super(_OnDeadline, self), name)(*args, **kwargs)
        call.__name__ = name
        return call

    connect = _timed("connect")
    recv = _timed("recv")
    recv_into = _timed("recv_into")
    send = _timed("send")
    sendall = _timed("sendall")
    del _timed


class _DeadlineSocket(_OnDeadline, socket.socket):
    """A TCP socket on the deadline."""


class _DeadlineSSLSocket(_OnDeadline, ssl.SSLSocket):
    """The TLS side of the same: the handshake and TLS reads are on the deadline too."""

    def do_handshake(self, *args, **kwargs):
        self.settimeout(_time_left())
        return super().do_handshake(*args, **kwargs)

    def read(self, *args, **kwargs):
        self.settimeout(_time_left())
        return super().read(*args, **kwargs)


class _Lookup:
    """One running getaddrinfo: its outcome once ``done`` is set."""

    def __init__(self):
        self.done = threading.Event()
        self.addresses: list | None = None
        self.error: BaseException | None = None


_lookups: dict[tuple[str, int], _Lookup] = {}  # the look-ups running now, by (host, port)
_lookups_lock = threading.Lock()


def _look_up(key: tuple[str, int], lookup: _Lookup) -> None:
    try:
        lookup.addresses = socket.getaddrinfo(key[0], key[1], 0, socket.SOCK_STREAM)
    except Exception as exc:  # noqa: BLE001 - handed to whoever waits (gaierror, or UnicodeError for a bad name)
        lookup.error = exc
    finally:
        with _lookups_lock:
            _lookups.pop(key, None)  # finished: the next fetch asks the resolver afresh
        lookup.done.set()


def resolve(host: str, port: int) -> list[tuple]:
    """``socket.getaddrinfo(host, port, 0, SOCK_STREAM)`` (a list of (family, type, proto, canonname,
    sockaddr)), waiting no longer than the time left until this thread's deadline (set by ``fetch``).

    Raises DeadlineExceeded when the resolver has not answered by then (its thread finishes on its own,
    shared with any other fetch of the same host and port meanwhile), or the resolver's own error
    (socket.gaierror) when it fails."""
    key = (host, port)
    with _lookups_lock:
        lookup = _lookups.get(key)
        first = lookup is None
        if first:
            lookup = _lookups[key] = _Lookup()
    if first:
        threading.Thread(target=_look_up, args=(key, lookup), name="deadline-resolve", daemon=True).start()
    if not lookup.done.wait(_time_left()):
        raise DeadlineExceeded("name resolution did not finish before the deadline")
    if lookup.error is not None:
        error = lookup.error
        raise type(error)(*error.args)  # a copy: the waiters of one look-up each raise their own
    return list(lookup.addresses or [])


def _create_connection(address, timeout=None, source_address=None, *args, **kwargs):
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _name, target in resolve(host, port):
        sock = _DeadlineSocket(family, kind, proto)
        try:
            if source_address:
                sock.bind(source_address)
            sock.connect(target)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
            if isinstance(exc, DeadlineExceeded):
                break
    raise error or OSError("no address for host")


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _create_connection


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _create_connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would leave the URL the caller checked.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the system's CA certificates takes about 50 ms: once per process, when first needed.
    context = ssl.create_default_context()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


def make_opener(follow_redirects: bool = False) -> urllib.request.OpenerDirector:
    """A urllib opener whose connections obey the deadline that ``fetch`` sets; proxies (HTTPS_PROXY)
    as the environment says now."""
    handlers: list = [_HTTPHandler(), _HTTPSHandler(context=_tls_context())]
    if not follow_redirects:
        handlers.append(_NoRedirect())
    return urllib.request.build_opener(*handlers)


def lazy_fetch(max_bytes: int) -> Callable[..., bytes]:
    """``fetch`` as one callable, ``call(request, timeout)`` (timeout in seconds, for the whole exchange),
    through an opener that does not follow redirects, made on the first call: start-up (a Lambda cold
    start) loads no CA certificates until a request needs them."""
    made: list[urllib.request.OpenerDirector] = []

    def call(request: str | urllib.request.Request, timeout: float, ok: frozenset[int] = frozenset({200})) -> bytes:
        if not made:  # two threads racing here make two openers: harmless
            made.append(make_opener(follow_redirects=False))
        return fetch(made[0], request, timeout, max_bytes, ok)

    return call


def fetch(opener: urllib.request.OpenerDirector, request: str | urllib.request.Request, deadline_s: float,
          max_bytes: int, ok: frozenset[int] = frozenset({200})) -> bytes:
    """Send ``request`` (a GET, or any method a ``Request`` names) through ``opener`` (from ``make_opener``);
    the body as bytes.

    The whole exchange, name resolution included, ends within ``deadline_s`` seconds. Raises
    DeadlineExceeded when it does not, HTTPStatus (an OSError) for an HTTP status not in ``ok`` (``HTTP 404``),
    OSError for a body over ``max_bytes`` or any transport fault.
    """
    previous = getattr(_deadline, "at", None)
    _deadline.at = time.monotonic() + deadline_s
    try:
        try:
            resp = opener.open(request, timeout=deadline_s)
        except urllib.error.HTTPError as err:  # it holds an open response; close it before giving up
            err.close()
            raise HTTPStatus(err.code) from None
        except urllib.error.URLError as err:
            reason = err.reason
            raise (reason if isinstance(reason, OSError) else OSError(str(reason))) from None
        with resp:
            if getattr(resp, "status", 200) not in ok:
                raise HTTPStatus(getattr(resp, "status", 0))
            chunks, size = [], 0
            while True:
                chunk = resp.read(min(65536, max_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise OSError("body too large")
            return b"".join(chunks)
    finally:
        _deadline.at = previous
