"""The control API's server-sent events (GET /api/events), as an iterator of
event dicts: the events `Session.events` holds, heard as they happen."""
import codecs
import json
import socket
import time
from typing import Any, Dict, FrozenSet, Iterator, List, Optional

from .errors import EventStreamOverflowError, Pop3MockError, WaitTimeoutError
from .http_transport import HttpTransport, StreamingBody, query_string

#: Every event type the server sends (src/vocabulary.ts, Pop3Event).
EVENT_TYPES = (
    'session-start',
    'command',
    'reply',
    'reply-unsent',
    'auth',
    'sasl-response',
    'state',
    'tls',
    'tls-failed',
    'plaintext-dropped',
    'line-too-long',
    'retrieve',
    'update',
    'fault',
    'internal-error',
    'reset',
    'session-end',
)

Event = Dict[str, Any]
WHERE = 'GET /api/events'


class EventStream:
    """Events as the server sends them, secrets masked: dicts with the JSON's
    keys ({"type", "sessionId", "at", ...}), oldest first.

    Open once `ControlClient.events()` returns: a session that begins after
    that is heard whole. Iterating (`for event in stream`) or `next_event()`
    waits at most `timeout` seconds for each event, then raises
    WaitTimeoutError; the stream stays usable after that. Iteration stops when
    the server stops. `close()` (or leaving the `with` block) closes the
    socket, and the server forgets the reader.
    """

    def __init__(
        self, http: HttpTransport, types: Optional[FrozenSet[str]], timeout: float, since: Optional[float] = None
    ) -> None:
        self.types = types
        self.timeout = timeout
        # Three decimals: the API reads digits with a fraction or not, never Python's 1e+20.
        query = query_string({'since': None if since is None else '%.3f' % since})
        self._body: StreamingBody = http.open_stream('/api/events' + query, 'text/event-stream')
        self._text = ''
        self._decoder = codecs.getincrementaldecoder('utf-8')()
        try:
            # The server's first block is a comment, written once it listens: waiting for it means
            # no later event is missed. A timeout here is the request's, as for any call (socket.timeout).
            deadline = time.monotonic() + http.timeout
            while '\n\n' not in self._text and not self._body.ended:
                self._text += self._decoder.decode(self._body.read(deadline))
        except BaseException:
            self.close()
            raise

    # Reading ------------------------------------------------------------------

    def next_event(self, timeout: Optional[float] = None) -> Event:
        """The next event (of the stream's types); WaitTimeoutError when none comes
        within `timeout` seconds (default: the stream's)."""
        return self._ended_if_none(self._next(self._seconds(timeout)), 'another event')

    def until(self, event_type: str, timeout: Optional[float] = None) -> List[Event]:
        """Events (of the stream's types) up to and including the next one of
        `event_type`, all within `timeout` seconds (default: the stream's)."""
        _check_types([event_type], 'event_type')
        if self.types is not None and event_type not in self.types:
            raise ValueError(
                'event_type: expected one of the stream\'s types (%s), got %r' % (_listed(self.types), event_type)
            )
        seconds = self._seconds(timeout)
        deadline = time.monotonic() + seconds
        events: List[Event] = []
        while not events or events[-1].get('type') != event_type:
            found = self._next(seconds, deadline, event_type)
            events.append(self._ended_if_none(found, 'a %r event' % event_type))
        return events

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        event = self._next(self.timeout)
        if event is None:
            raise StopIteration
        return event

    # Closing ------------------------------------------------------------------

    def close(self) -> None:
        self._body.close()
        self._text = ''

    @property
    def closed(self) -> bool:
        return self._body.closed

    def __enter__(self) -> 'EventStream':
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --------------------------------------------------------------------------

    def _seconds(self, timeout: Optional[float]) -> float:
        return self.timeout if timeout is None else timeout

    def _next(
        self, seconds: float, deadline: Optional[float] = None, awaited: Optional[str] = None
    ) -> Optional[Event]:
        """The next event of the stream's types, or None once the stream has ended (or was closed)."""
        deadline = time.monotonic() + seconds if deadline is None else deadline
        skipped: List[str] = []
        while True:
            end = self._text.find('\n\n')
            if end < 0:
                if self._body.ended:
                    self.close()
                    return None
                try:
                    data = self._body.read(deadline)
                except socket.timeout:
                    raise self._timeout(seconds, awaited, skipped) from None
                self._text += self._decoder.decode(data)
                continue
            block, self._text = self._text[:end], self._text[end + 2 :]
            event = self._event(block)
            if event is None:
                continue
            if self.types is None or event.get('type') in self.types:
                return event
            skipped.append(str(event.get('type')))

    def _ended_if_none(self, event: Optional[Event], awaited: str) -> Event:
        if event is None:
            raise Pop3MockError(
                'pop3-mock: the event stream has ended (closed, or the server stopped) before %s' % awaited
            )
        return event

    def _event(self, block: str) -> Optional[Event]:
        """The event a block of `field: value` lines carries; None for a comment."""
        name, data = 'message', []
        for line in block.split('\n'):
            field, _, value = line.partition(':')
            value = value[1:] if value.startswith(' ') else value
            if field == 'event':
                name = value
            elif field == 'data':
                data.append(value)
        # A comment (the server's keep-alive) carries no data; `closing` says the server is
        # closing on purpose, and the stream's end follows: neither is an event.
        if not data or name == 'closing':
            return None
        if name == 'overflow':
            # The server ended the stream: this reader left too much unread, and events were lost.
            self.close()
            unread = _unread(data)
            raise EventStreamOverflowError(
                'pop3-mock: the server ended the event stream because this reader left %s of it unread: '
                'events after the ones read so far were lost; read the stream as the test goes, '
                'or open a new one with events()' % ('too much' if unread is None else '%d octets' % unread),
                unread,
            )
        return json.loads('\n'.join(data))

    def _timeout(self, seconds: float, awaited: Optional[str], skipped: List[str]) -> WaitTimeoutError:
        what = 'event' if self.types is None else 'event of type %s' % _listed(self.types)
        if awaited is not None:
            what = 'event up to a %r one' % awaited if self.types is None else what + ' up to a %r one' % awaited
        message = 'pop3-mock: no %s on %s within %g s' % (what, WHERE, seconds)
        if skipped:
            message += '; skipped meanwhile (not of the stream\'s types): %s' % ', '.join(skipped[-10:])
        # Status 408, as the server's waits: this package's one timeout error, here counted by the client.
        return WaitTimeoutError(message, 408, WHERE)


def event_types(types: Any) -> Optional[FrozenSet[str]]:
    """`types` as given to events() (None, a type, or several), checked."""
    if types is None:
        return None
    if isinstance(types, str):
        _check_types([types], 'types')
        return frozenset([types])
    given = list(types)
    _check_types(given, 'types', indexed=True)
    return frozenset(given)


def _check_types(given: List[Any], name: str, indexed: bool = False) -> None:
    for index, value in enumerate(given):
        if value not in EVENT_TYPES:
            where = '%s[%d]' % (name, index) if indexed else name
            raise ValueError('%s: expected an event type (%s), got %r' % (where, _listed(EVENT_TYPES), value))


def _listed(types: Any) -> str:
    return ', '.join(t for t in EVENT_TYPES if t in types)


def _unread(data: List[str]) -> Optional[int]:
    try:
        unread = json.loads('\n'.join(data)).get('unread')
    except (ValueError, AttributeError):
        return None
    return unread if isinstance(unread, int) else None
