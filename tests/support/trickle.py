"""A hostile server on loopback that sends its answer one byte at a time, to test whole-exchange deadlines."""
from __future__ import annotations

import socket
import threading
import time


class TrickleServer:
    """Accepts connections; after reading the request, sends ``head`` at once (may be empty), then one byte
    of ``drip`` every ``interval`` seconds for up to ``for_seconds``. ``connections`` counts accepted ones."""

    def __init__(self, head: bytes = b"", drip: bytes = b"x", interval: float = 0.2, for_seconds: float = 30.0):
        self.head, self.drip, self.interval, self.for_seconds = head, drip, interval, for_seconds
        self.connections = 0
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            conn.recv(65536)
            if self.head:
                conn.sendall(self.head)
            end = time.monotonic() + self.for_seconds
            i = 0
            while time.monotonic() < end and not self._stop.is_set():
                conn.sendall(self.drip[i % len(self.drip): i % len(self.drip) + 1])
                i += 1
                time.sleep(self.interval)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
