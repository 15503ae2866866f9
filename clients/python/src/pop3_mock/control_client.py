"""The HTTP control API of a running pop3-mock, as typed methods."""
import urllib.parse
from typing import Any, Callable, Iterable, List, Mapping, Optional, Sequence, TypeVar, Union

from .errors import NotFoundError
from .event_stream import EventStream, event_types
from .http_transport import HttpTransport
from .json_decode import decode
from .models import (
    AddedMessage,
    CreatedRule,
    DeletedMessage,
    DroppedSessions,
    LocatedCommand,
    MessageInfo,
    Outcome,
    PendingRule,
    RuleStatus,
    Session,
    Status,
    TranscriptExport,
    UserMessages,
    UserSummary,
)
from .pending_wait import PendingWait
from .server_clock import ServerClock, now_ms
from .wire import CommandPattern, Message, wire_messages, wire_pattern, wire_times, without_none

T = TypeVar('T')

#: The server's own default when a wait gives no timeout_ms.
DEFAULT_WAIT_MS = 5000
#: A wait's HTTP read timeout is its own timeout plus this, so the server's 408 arrives first.
WAIT_MARGIN_S = 5.0


def _quoted(value: Union[str, int]) -> str:
    return urllib.parse.quote(str(value), safe='')


def _decoder(kind: Any) -> Callable[[Any], Any]:
    return lambda data: decode(kind, data)


class ControlClient:
    """Calls the control API at `control_url` with its bearer token.

    Every call raises an ApiError subclass when the server refuses it:
    InputError (400, with `path` and `issues`), NotFoundError (404, with
    `missing`), WaitTimeoutError (408, with `seen`; WaitCancelledError when the
    server was closed meanwhile), UserLoggedInError (409, replacing or removing
    a logged-in user), ServerClosedError (410, a change asked of a server that
    was closing), VerificationError (422 from verify).
    `request_timeout` (seconds) bounds every call but the waits, whose limit
    follows their own `timeout_ms`, and the reads of an event stream, which
    follow its `timeout`.
    """

    def __init__(self, control_url: str, token: str, request_timeout: float = 30.0) -> None:
        self.control_url = control_url
        self._http = HttpTransport(control_url, token, request_timeout)
        #: How far the server's clock is from this process's: the waits decide "after the call" on the server's.
        self._clock = ServerClock()

    # Server -------------------------------------------------------------------

    def status(self) -> Status:
        asked = now_ms()
        answer = self._http.call_json('GET', '/api/status')
        self._clock.measure(answer['now'], asked, now_ms())
        return decode(Status, answer)

    def openapi(self) -> Mapping[str, Any]:
        """The OpenAPI 3.1 document of this API."""
        return self._http.call_json('GET', '/openapi.json')

    def reset(self) -> None:
        """Mailboxes as seeded, run-time rules removed, transcripts forgotten; pending fault delays
        and hangs released. Waits go on: one started before still takes what comes after."""
        self._http.call('POST', '/api/reset')

    # Users and mailboxes ------------------------------------------------------

    def users(self) -> List[UserSummary]:
        return decode(List[UserSummary], self._http.call_json('GET', '/api/users'))

    def put_user(
        self,
        user: str,
        password: str,
        messages: Union[Message, Sequence[Message], None] = None,
        oauth_token: Optional[str] = None,
    ) -> UserMessages:
        """Creates or replaces a user; a UserLoggedInError (409) while a session is logged in as it."""
        body = without_none(
            password=password,
            messages=None if messages is None else wire_messages(messages),
            oauthToken=oauth_token,
        )
        return decode(UserMessages, self._http.call_json('PUT', '/api/users/' + _quoted(user), json_body=body))

    def remove_user(self, user: str) -> bool:
        """False when there was no such user; a UserLoggedInError (409) while a session is logged in as it."""
        return self._removed('/api/users/' + _quoted(user))

    def reset_user(self, user: str) -> List[MessageInfo]:
        """The mailbox back to its seeded messages; returns them."""
        answer = self._http.call_json('POST', '/api/users/%s/reset' % _quoted(user))
        return decode(UserMessages, answer).messages

    def messages(self, user: str) -> List[MessageInfo]:
        """Messages now, numbered as a session opened now would see them."""
        return decode(List[MessageInfo], self._http.call_json('GET', '/api/users/%s/messages' % _quoted(user)))

    def deliver(self, user: str, messages: Union[Message, Sequence[Message]]) -> List[AddedMessage]:
        """Adds messages, seen from the next session on: bytes are sent exactly (as base64)."""
        body = {'messages': wire_messages(messages)}
        answer = self._http.call_json('POST', '/api/users/%s/messages' % _quoted(user), json_body=body)
        return decode(List[AddedMessage], answer)

    def raw_message(self, user: str, number: int) -> bytes:
        """The exact bytes RETR sends for the message (before dot-stuffing)."""
        return self._http.call('GET', '/api/users/%s/messages/%d/raw' % (_quoted(user), number))[2]

    def deleted(self, user: str) -> List[DeletedMessage]:
        """Messages removed at UPDATE, oldest first."""
        return decode(List[DeletedMessage], self._http.call_json('GET', '/api/users/%s/deleted' % _quoted(user)))

    def outcome(self, user: str) -> Outcome:
        """What is left, what UPDATE removed and what was retrieved."""
        return decode(Outcome, self._http.call_json('GET', '/api/users/%s/outcome' % _quoted(user)))

    # Faults -------------------------------------------------------------------

    def add_faults(self, rules: Sequence[Mapping[str, Any]]) -> List[CreatedRule]:
        """Adds fault rules (docs/FAULTS.md), all or none: a bad one raises InputError."""
        answer = self._http.call_json('POST', '/api/faults', json_body={'rules': list(rules)})
        return decode(List[CreatedRule], answer)

    def add_fault(self, rule: Mapping[str, Any]) -> CreatedRule:
        return self.add_faults([rule])[0]

    def faults(self) -> List[RuleStatus]:
        """Every rule with its hits, in the order they are checked (the newest first)."""
        return decode(List[RuleStatus], self._http.call_json('GET', '/api/faults'))

    def pending_faults(self) -> List[PendingRule]:
        """Rules that never fired."""
        return decode(List[PendingRule], self._http.call_json('GET', '/api/faults/pending'))

    def remove_fault(self, rule_id: str) -> bool:
        """False when there was no such rule."""
        return self._removed('/api/faults/' + _quoted(rule_id))

    # Transcripts --------------------------------------------------------------

    def sessions(
        self, user: Optional[str] = None, session_id: Optional[int] = None, secrets: Optional[bool] = None
    ) -> List[Session]:
        """Sessions kept, oldest first (`export_transcripts` says which were dropped);
        passwords masked unless `secrets`."""
        return self.export_transcripts(user, session_id, secrets).sessions

    def export_transcripts(
        self, user: Optional[str] = None, session_id: Optional[int] = None, secrets: Optional[bool] = None
    ) -> TranscriptExport:
        """Sessions kept, oldest first, and in `dropped` those the query selects that keepSessions dropped;
        passwords masked unless `secrets`."""
        query = {'user': user, 'sessionId': session_id, 'secrets': secrets}
        return decode(TranscriptExport, self._http.call_json('GET', '/api/sessions', query=query))

    def dropped_sessions(
        self, user: Optional[str] = None, session_id: Optional[int] = None
    ) -> Optional[DroppedSessions]:
        """Ended sessions the query selects whose records were dropped (keepSessions); None when none."""
        query = {'user': user, 'sessionId': session_id}
        return decode(DroppedSessions, self._http.call_json('GET', '/api/dropped-sessions', query=query)['dropped'])

    def session(self, session_id: int) -> Session:
        """Raises NotFoundError for an unknown id, saying so when its record was dropped."""
        return decode(Session, self._http.call_json('GET', '/api/sessions/%d' % session_id))

    def session_transcript(self, session_id: int) -> str:
        """One session as C:/S: text, passwords masked."""
        return self._http.call('GET', '/api/sessions/%d/transcript' % session_id)[2].decode('utf-8')

    def transcript(
        self,
        user: Optional[str] = None,
        session_id: Optional[int] = None,
        stable: Optional[bool] = None,
        secrets: Optional[bool] = None,
        notes: Optional[bool] = None,
        header: Optional[bool] = None,
        timestamps: Optional[bool] = None,
    ) -> str:
        """Sessions as C:/S: text; passwords masked unless `secrets`, times and ids fixed with `stable`;
        `notes=False` leaves out the `--` lines, `header=False` the `#` line of each session, and
        `timestamps=True` prefixes each line with the time since its session began (not with `stable`)."""
        query = {
            'user': user,
            'sessionId': session_id,
            'stable': stable,
            'secrets': secrets,
            'notes': notes,
            'header': header,
            'timestamps': timestamps,
        }
        return self._http.call('GET', '/api/transcript', query=query)[2].decode('utf-8')

    def commands(self, user: Optional[str] = None, session_id: Optional[int] = None) -> List[str]:
        """Commands received, as "RETR 1" (secrets masked)."""
        return self._http.call_json('GET', '/api/commands', query={'user': user, 'sessionId': session_id})

    def verify(
        self,
        pattern: CommandPattern,
        times: Optional[int] = None,
        at_least: Optional[int] = None,
        at_most: Optional[int] = None,
        user: Optional[str] = None,
        session_id: Optional[int] = None,
    ) -> int:
        """How many times the command was received; raises VerificationError
        (the report as its message, `near_misses`) unless it was received
        `times` times, or at least once when no count is given. When sessions
        the query selects were dropped (keepSessions) and could change the
        verdict, it raises VerificationError too ("cannot tell whether ...")."""
        body = without_none(
            pattern=wire_pattern(pattern),
            times=wire_times(times, at_least, at_most),
            user=user,
            sessionId=session_id,
        )
        return self._http.call_json('POST', '/api/verify', json_body=body)['count']

    # Waits --------------------------------------------------------------------

    def start_next_session(
        self, timeout_ms: Optional[int] = None, since: Optional[int] = None, secrets: Optional[bool] = None
    ) -> 'PendingWait[Session]':
        """Sends the wait for the next session to connect; `result()` returns it (passwords
        masked unless `secrets`). A session that begins after the call is the next one, though
        it begin before the request arrives. With `since` (a session id), the first session
        with a greater id: now, if it has begun."""
        body = without_none(timeoutMs=timeout_ms, since=since, arrivedSince=self._call_time())
        return self._wait('/api/wait/next-session', body, Session, secrets)

    def start_session_end(
        self,
        session_id: Optional[int] = None,
        timeout_ms: Optional[int] = None,
        since: Optional[int] = None,
        secrets: Optional[bool] = None,
    ) -> 'PendingWait[Session]':
        """Sends the wait for a session (default: the latest at the call, or the first after
        it; with `since`, the first after that id) to end; passwords masked unless `secrets`."""
        body = without_none(sessionId=session_id, timeoutMs=timeout_ms, since=since, arrivedSince=self._call_time())
        return self._wait('/api/wait/session-end', body, Session, secrets)

    def start_wait_for_command(
        self,
        pattern: CommandPattern,
        timeout_ms: Optional[int] = None,
        include_past: Optional[bool] = None,
        user: Optional[str] = None,
        session_id: Optional[int] = None,
    ) -> 'PendingWait[LocatedCommand]':
        """Sends the wait for a command matching `pattern` received after the call, though before
        the request arrives (one received before counts with `include_past`)."""
        body = without_none(
            pattern=wire_pattern(pattern),
            timeoutMs=timeout_ms,
            includePast=include_past,
            user=user,
            sessionId=session_id,
            arrivedSince=self._call_time(),
        )
        return self._wait('/api/wait/command', body, LocatedCommand)

    def next_session(
        self, timeout_ms: Optional[int] = None, since: Optional[int] = None, secrets: Optional[bool] = None
    ) -> Session:
        return self.start_next_session(timeout_ms, since, secrets).result()

    def session_end(
        self,
        session_id: Optional[int] = None,
        timeout_ms: Optional[int] = None,
        since: Optional[int] = None,
        secrets: Optional[bool] = None,
    ) -> Session:
        return self.start_session_end(session_id, timeout_ms, since, secrets).result()

    def wait_for_command(
        self,
        pattern: CommandPattern,
        timeout_ms: Optional[int] = None,
        include_past: Optional[bool] = None,
        user: Optional[str] = None,
        session_id: Optional[int] = None,
    ) -> LocatedCommand:
        return self.start_wait_for_command(pattern, timeout_ms, include_past, user, session_id).result()

    # Events -------------------------------------------------------------------

    def events(
        self,
        types: Union[str, Iterable[str], None] = None,
        timeout: float = 5.0,
        since: Optional[float] = None,
    ) -> EventStream:
        """Opens the server's event stream (GET /api/events): an iterator of event dicts
        ({"type", "sessionId", "at", ...}, secrets masked), optionally of `types` only.
        Connected when this returns: a session that begins after the call is heard whole.
        With `since` (ms since the epoch, real time: `time.time() * 1000` on the server's
        machine), the recorded events from then on come first, then the live ones, none twice.
        Each event is waited for at most `timeout` seconds (WaitTimeoutError); close it,
        or use `with`. More than 8 MiB left unread ends it: EventStreamOverflowError."""
        return EventStream(self._http, event_types(types), timeout, since)

    # --------------------------------------------------------------------------

    def _call_time(self) -> float:
        """Now on the server's clock (`arrivedSince`): the server takes what came from then on,
        though it came while the request travelled. The first call measures the clock."""
        called = now_ms()
        if not self._clock.measured:
            self.status()
        return self._clock.to_server(called)

    def _wait(
        self, path: str, body: Mapping[str, Any], kind: Any, secrets: Optional[bool] = None
    ) -> 'PendingWait[Any]':
        # No fixed client timeout: the server answers 408 when timeout_ms runs out, so read a little longer.
        read_timeout = body.get('timeoutMs', DEFAULT_WAIT_MS) / 1000 + WAIT_MARGIN_S
        query = {'secrets': secrets}
        pending = self._http.send('POST', path, json_body=body, query=query, read_timeout=read_timeout)
        # The server registers a wait a few event-loop turns after its bytes arrive: a request answered
        # after the wait was sent gives it those turns, so start_ returns once the server has the wait
        # (arrivedSince covers what came meanwhile only as far as the server still keeps it). Its `now`
        # measures the server's clock once more.
        self.status()
        return PendingWait(pending, _decoder(kind))

    def _removed(self, path: str) -> bool:
        try:
            self._http.call('DELETE', path)
        except NotFoundError:
            return False
        return True
