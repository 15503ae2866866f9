"""HTTP to the control API, on http.client rather than urllib.request: a wait
is sent at once and its answer read later (see PendingWait), and each call
sets its own read timeout."""
import http.client
import json
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
        target = path + _query_string(query)
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

    def call(self, method: str, path: str, **options: Any) -> Tuple[int, str, bytes]:
        return self.send(method, path, **options).read()

    def call_json(self, method: str, path: str, **options: Any) -> Any:
        return json.loads(self.call(method, path, **options)[2].decode('utf-8'))


def _query_string(query: Optional[Mapping[str, Any]]) -> str:
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
