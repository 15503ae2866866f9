"""HTTP to the control API, on http.client rather than urllib.request: a wait
is sent at once and its answer read later (see PendingWait), and each call
sets its own read timeout. The event stream is read on a plain socket (see
StreamingBody)."""
import http.client
import io
import json
import socket
import time
import urllib.parse
from typing import Any, Mapping, Optional, Tuple

from .errors import error_from_answer

#: How long to wait for a TCP connection on loopback before giving up.
CONNECT_TIMEOUT_S = 10.0


class PendingAnswer:
    """A request already sent; `read()` waits for its answer."""

    def __init__(self, connection: http.client.HTTPConnection, where: str) -> None:
        self._connection = connection
        self.where = where

    def read(self) -> Tuple[int, str, bytes]:
        """(status, content type, body); raises ApiError for a 4xx or 5xx."""
        try:
            response = self._connection.getresponse()
            body = response.read()
        finally:
            self._connection.close()
        kind = response.getheader('Content-Type', '')
        if response.status >= 400:
            raise error_from_answer(response.status, self.where, _json_or_empty(body, kind))
        return response.status, kind, body


class HttpTransport:
    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme != 'http' or not parts.hostname:
            raise ValueError('expected an http:// control URL, got %r' % base_url)
        self._host = parts.hostname
        self._port = parts.port or 80
        self._token = token
        self.timeout = timeout

    def send(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        query: Optional[Mapping[str, Any]] = None,
        read_timeout: Optional[float] = None,
    ) -> PendingAnswer:
        """Sends the whole request and returns before its answer is read; `path` is already quoted."""
        target = path + query_string(query)
        headers = {'Authorization': 'Bearer ' + self._token}
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        connection = http.client.HTTPConnection(self._host, self._port, timeout=CONNECT_TIMEOUT_S)
        try:
            connection.request(method, target, body=data, headers=headers)
            connection.sock.settimeout(self.timeout if read_timeout is None else read_timeout)
        except BaseException:
            connection.close()
            raise
        return PendingAnswer(connection, '%s %s' % (method, path))

    def open_stream(self, path: str, accept: str) -> 'StreamingBody':
        """GET `path` (already quoted) and return its body to read as it arrives;
        raises ApiError for a 4xx or 5xx, once that answer has been read."""
        where = 'GET ' + path
        request = 'GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\nAccept: %s\r\n\r\n' % (
            path,
            self._host,
            self._port,
            self._token,
            accept,
        )
        sock = socket.create_connection((self._host, self._port), timeout=CONNECT_TIMEOUT_S)
        try:
            sock.settimeout(self.timeout)
            sock.sendall(request.encode('latin-1'))
            status, headers, rest = _read_head(sock, where)
            body = StreamingBody(sock, headers, rest)
            if status >= 400:
                data = body.read_to_end(time.monotonic() + self.timeout)
                raise error_from_answer(status, where, _json_or_empty(data, headers.get('Content-Type', '')))
        except BaseException:
            sock.close()
            raise
        return body

    def call(self, method: str, path: str, **options: Any) -> Tuple[int, str, bytes]:
        return self.send(method, path, **options).read()

    def call_json(self, method: str, path: str, **options: Any) -> Any:
        return json.loads(self.call(method, path, **options)[2].decode('utf-8'))


class StreamingBody:
    """The body of an answer, read as it arrives, each read with its own deadline.

    A plain socket, not http.client: a read timeout on the file http.client
    reads from spoils it for good ("cannot read from timed out object"), and a
    stream must go on after a wait for its next bytes ran out. So the body's
    framing is decoded here: chunked, Content-Length, or up to the close."""

    def __init__(self, sock: socket.socket, headers: http.client.HTTPMessage, received: bytes) -> None:
        self._sock = sock
        self._chunked = headers.get('Transfer-Encoding', '').lower() == 'chunked'
        length = headers.get('Content-Length')
        #: Octets still to come: of the current chunk if chunked, else of the body (None: up to the close).
        self._left: Optional[int] = 0 if self._chunked else (int(length) if length is not None else None)
        self._raw = received
        self._after_chunk = False
        self.ended = False

    def read(self, deadline: float) -> bytes:
        """The next octets of the body; b'' once it has ended; socket.timeout when
        none came by `deadline` (time.monotonic()). The body stays readable after a timeout."""
        while not self.ended:
            data = self._decode()
            if data or self.ended:
                return data
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout('timed out')
            self._sock.settimeout(remaining)
            received = self._sock.recv(65536)
            if not received:
                # Closed by the server (it stopped): the end, wherever it fell.
                self.ended = True
            self._raw += received
        return b''

    def read_to_end(self, deadline: float) -> bytes:
        parts = []
        while not self.ended:
            parts.append(self.read(deadline))
        return b''.join(parts)

    def close(self) -> None:
        self.ended = True
        self._sock.close()

    @property
    def closed(self) -> bool:
        return self._sock.fileno() == -1

    def _decode(self) -> bytes:
        """Takes the body octets out of what was received, leaving incomplete framing for later."""
        if not self._chunked:
            data = self._raw if self._left is None else self._raw[: self._left]
            self._raw = self._raw[len(data) :]
            if self._left is not None:
                self._left -= len(data)
                self.ended = self._left == 0
            return data
        out = []
        while True:
            if self._left:
                data = self._raw[: self._left]
                self._raw = self._raw[len(data) :]
                self._left -= len(data)
                out.append(data)
                if self._left:
                    break
                self._after_chunk = True
            if self._after_chunk:
                if len(self._raw) < 2:
                    break
                self._raw = self._raw[2:]  # the CRLF after a chunk's data
                self._after_chunk = False
            line_end = self._raw.find(b'\r\n')
            if line_end < 0:
                break
            size = int(self._raw[:line_end].split(b';', 1)[0], 16)
            self._raw = self._raw[line_end + 2 :]
            if size == 0:
                # The last chunk: the answer is complete (its trailer does not matter here).
                self.ended = True
                break
            self._left = size
        return b''.join(out)


def _read_head(sock: socket.socket, where: str) -> Tuple[int, http.client.HTTPMessage, bytes]:
    """(status, headers, the body octets received with them); the socket's timeout bounds each read."""
    received = b''
    while b'\r\n\r\n' not in received:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError('pop3-mock: the control API closed the connection before answering %s' % where)
        received += chunk
        if len(received) > 65536:
            raise ConnectionError('pop3-mock: the answer to %s has no end of headers in its first 64 KiB' % where)
    head, rest = received.split(b'\r\n\r\n', 1)
    status_line, _, header_lines = head.partition(b'\r\n')
    try:
        status = int(status_line.split()[1])
    except (IndexError, ValueError):
        what = '%r is not an HTTP status line (answer to %s)' % (status_line, where)
        raise ConnectionError('pop3-mock: ' + what) from None
    return status, http.client.parse_headers(io.BytesIO(header_lines + b'\r\n\r\n')), rest


def query_string(query: Optional[Mapping[str, Any]]) -> str:
    present = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}
    return '?' + urllib.parse.urlencode(present) if present else ''


def _query_value(value: Any) -> str:
    # The API reads flags as the words true and false, not Python's True.
    return ('true' if value else 'false') if isinstance(value, bool) else str(value)


def _json_or_empty(body: bytes, kind: str) -> Mapping[str, Any]:
    if 'json' not in kind:
        return {'error': body.decode('utf-8', 'replace').strip()} if body else {}
    try:
        decoded = json.loads(body.decode('utf-8'))
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}
