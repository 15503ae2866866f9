"""A TCP relay to a local port whose requests can be held back, as a slow link
would (test/helpers/held-link.ts): while held, what clients send waits here,
and goes on, in the order it came, when released."""
import socket
import threading
from typing import List, Optional, Tuple


class HeldLink:
    def __init__(self, target_port: int, target_host: str = '127.0.0.1') -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(('127.0.0.1', 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = 'http://127.0.0.1:%d' % self.port
        self._changed = threading.Condition()
        self._held = False
        #: What clients sent while held, oldest first: (the server's socket, the octets).
        self._waiting: List[Tuple[socket.socket, bytes]] = []
        self._sockets: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def hold(self) -> None:
        """From now on, what clients send waits here."""
        with self._changed:
            self._held = True

    def wait_for_held(self, timeout: float = 10.0) -> None:
        """Returns once a client has sent something that waits here."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._waiting, timeout):
                raise TimeoutError('held link: nothing was sent within %g s' % timeout)

    def release(self) -> None:
        """What waited goes on, and what follows too."""
        with self._changed:
            self._held = False
            for target, data in self._waiting:
                _send(target, data)
            self._waiting.clear()

    def close(self) -> None:
        self._listener.close()
        with self._changed:
            for sock in self._sockets:
                sock.close()

    def __enter__(self) -> 'HeldLink':
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            target = socket.create_connection(self._target)
            with self._changed:
                self._sockets += [client, target]
            threading.Thread(target=self._pump, args=(client, target, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(target, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, holdable: bool) -> None:
        while True:
            data = _receive(source)
            if not data:
                # One side ended: so does the other.
                _shut(sink)
                return
            # Under the lock, so what a release sends comes before what follows it.
            with self._changed:
                if holdable and self._held:
                    self._waiting.append((sink, data))
                    self._changed.notify_all()
                else:
                    _send(sink, data)


def _receive(sock: socket.socket) -> Optional[bytes]:
    try:
        return sock.recv(65536)
    except OSError:
        return None


def _send(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:
        pass  # that side is gone; its pump ends the other


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
