"""Loopback TCP servers that misbehave the way networks do, for store deadline tests.

``FrozenServer`` accepts connections and never answers: a hung store. ``DelayProxy`` forwards to a real
server and, while ``delay`` is set, holds what the client sends for that many seconds before passing it
on: a request that reaches the store late, after its caller gave up.
"""
from __future__ import annotations

import socket
import threading
import time


class _Listener:
    """A TCP listener on a free loopback port (``port``, ``endpoint``) handing each connection to ``_serve``
    on its accept thread; ``close`` (or leaving a ``with`` block) closes it and every connection it kept."""

    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.port = self._sock.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._closed = False
        self._conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._serve(conn)

    def _serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._closed = True
        self._sock.close()
        for conn in self._conns:
            conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class FrozenServer(_Listener):
    """Accepts connections and never answers; ``accepted`` counts them."""

    def __init__(self):
        self.accepted = 0
        super().__init__()

    def _serve(self, conn: socket.socket) -> None:
        self.accepted += 1
        self._conns.append(conn)  # read nothing, answer nothing, close nothing


class DelayProxy(_Listener):
    """Forwards loopback TCP to ``target_port``; client-to-server bytes wait ``delay`` seconds when it is set.

    ``forwarded`` counts the client-to-server chunks passed on, ``delivered`` is set each time one is.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.delay = 0.0
        self.forwarded = 0
        self.delivered = threading.Event()
        super().__init__()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        self._conns += [client, upstream]
        threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
        threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, outbound: bool) -> None:
        try:
            while True:
                chunk = src.recv(65536)
                if not chunk:
                    break
                if outbound:
                    delay = self.delay
                    if delay:
                        time.sleep(delay)
                dst.sendall(chunk)
                if outbound:
                    self.forwarded += 1
                    self.delivered.set()
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
