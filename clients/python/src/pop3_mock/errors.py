"""The exceptions of pop3-mock-client: every control API refusal carries the
HTTP status and, for refused input, where in the request the problem is."""
from typing import Any, Dict, List, Mapping, Optional


class Pop3MockError(Exception):
    """Base class of every error this package raises."""


class StartError(Pop3MockError):
    """The CLI exited, or stayed silent, before printing its ready line."""

    def __init__(self, message: str, exit_code: Optional[int], stderr: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr = stderr


class ApiError(Pop3MockError):
    """The control API answered with an error status (4xx, 5xx)."""

    def __init__(
        self,
        message: str,
        status: int,
        where: str,
        path: Optional[str] = None,
        issues: Optional[List[Dict[str, str]]] = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        #: The request, as "POST /api/faults".
        self.where = where
        #: Where in the request the first problem is, as "rules[0].action.bytes" (400 only).
        self.path = path
        #: Every problem: [{"path": ..., "message": ...}] (400 only).
        self.issues = issues or []
        self.body = dict(body or {})


class InputError(ApiError):
    """400: the server refused the request; `path` and `issues` say where and why."""


class FixtureError(InputError):
    """400: a fixture the server could not read (a missing file, a malformed
    mbox); `path` says where it was given ("messages[1]"), `problem` what is
    wrong with it. An InputError too, as the refusal it is."""

    def __init__(self, message: str, status: int, where: str, body: Mapping[str, Any]) -> None:
        super().__init__(message, status, where, path=body.get('path'), body=body)
        #: What is wrong with the fixture, without the place.
        self.problem: str = str(body.get('problem'))


class NotFoundError(ApiError):
    """404: no such user, message, rule or session; `missing` says which."""

    @property
    def missing(self) -> Optional[Dict[str, Any]]:
        """What the server does not hold, as it sent it: {"kind": "user", "user"},
        {"kind": "message", "user", "number"} or {"kind": "session", "sessionId"};
        None when the 404 named none (an unknown fault rule)."""
        missing = self.body.get('missing')
        return dict(missing) if isinstance(missing, dict) else None


class WaitTimeoutError(ApiError):
    """408: nothing matching arrived within the wait's `timeout_ms`; from an
    EventStream, no event within its timeout (counted by the client, status 408 all the same)."""

    @property
    def seen(self) -> List[str]:
        """The transcript lines the wait saw meanwhile ("#1 C: NOOP"), secrets
        masked; empty when it saw nothing, and from an EventStream."""
        return [str(line) for line in self.body.get('seen') or []]


class WaitCancelledError(WaitTimeoutError):
    """408 with `cancelled`: the server was closed while the wait ran, so it
    ended before its `timeout_ms`. A WaitTimeoutError too, as in TypeScript."""


class VerificationError(ApiError):
    """422 from verify: the message is the report (closest commands, transcript)."""

    def __init__(self, message: str, status: int, where: str, body: Mapping[str, Any]) -> None:
        super().__init__(message, status, where, body=body)
        self.count: int = body.get('count', 0)
        #: The closest commands received, as the report lists them.
        self.near_misses: List[str] = list(body.get('nearMisses', []))


class UserLoggedInError(ApiError):
    """409: a session is logged in as the user, so replacing it (add_user) or
    removing it (remove_user) was refused and nothing changed: QUIT first."""

    def __init__(self, message: str, status: int, where: str, body: Mapping[str, Any]) -> None:
        super().__init__(message, status, where, body=body)
        #: The user asked for.
        self.user: str = str(body.get('user'))
        #: The oldest session logged in as it.
        self.session_id: int = int(body.get('sessionId', 0))
        #: The call refused: "addUser" or "removeUser".
        self.call: str = str(body.get('call'))


class ServerClosedError(ApiError):
    """410: the server was closing and takes no more changes; nothing changed."""

    def __init__(self, message: str, status: int, where: str, body: Mapping[str, Any]) -> None:
        super().__init__(message, status, where, body=body)
        #: The call refused, as the TypeScript API names it ("use", "addUser", ...).
        self.call: str = str(body.get('call'))


class EventStreamOverflowError(Pop3MockError):
    """The server ended an event stream because its reader left more than 8 MiB
    of it unread: the events after those already read were lost."""

    def __init__(self, message: str, unread: Optional[int]) -> None:
        super().__init__(message)
        #: The octets the server said were unread; None if it did not say.
        self.unread = unread


_BY_STATUS = {400: InputError, 404: NotFoundError, 408: WaitTimeoutError}


def error_from_answer(status: int, where: str, body: Mapping[str, Any]) -> ApiError:
    """The exception for an error answer; `body` is its decoded JSON ({} if it was not JSON)."""
    message = str(body.get('error') or 'HTTP %d from %s' % (status, where))
    if status == 422 and 'nearMisses' in body:
        return VerificationError(message, status, where, body)
    if status == 400 and isinstance(body.get('problem'), str):
        return FixtureError(message, status, where, body)
    if status == 408 and body.get('cancelled') is True:
        return WaitCancelledError(message, status, where, body=body)
    if status == 409 and isinstance(body.get('sessionId'), int):
        return UserLoggedInError(message, status, where, body)
    if status == 410 and body.get('closed') is True:
        return ServerClosedError(message, status, where, body)
    kind = _BY_STATUS.get(status, ApiError)
    return kind(message, status, where, path=body.get('path'), issues=body.get('issues'), body=body)
