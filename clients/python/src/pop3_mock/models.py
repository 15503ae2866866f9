"""What the control API answers, as dataclasses (the OpenAPI document at
GET /openapi.json is the reference). Dates stay ISO 8601 text, as sent:
`datetime.fromisoformat` reads them from Python 3.11 on."""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union


@dataclass(frozen=True)
class Status:
    host: str
    port: int
    tls_port: Optional[int]
    smtp_port: Optional[int]
    smtp_tls_port: Optional[int]
    users: List[str]
    #: How many ended sessions the transcripts keep: a number, or "all" (no limit).
    keep_sessions: Union[int, str]
    #: The CA (PEM text) that signed the server certificate; None without TLS.
    ca: Optional[str]
    #: The server's clock when it answered (ms since the epoch, with a fraction).
    now: float


@dataclass(frozen=True)
class UserSummary:
    user: str
    messages: int


@dataclass(frozen=True)
class MessageInfo:
    number: int
    uid: str
    size: int
    delivered_at: str


@dataclass(frozen=True)
class UserMessages:
    user: str
    messages: List[MessageInfo]


# deliver() answers each message it added as messages() lists it.
AddedMessage = MessageInfo


@dataclass(frozen=True)
class DeletedMessage:
    uid: str
    size: int
    session_id: int
    deleted_at: str


@dataclass(frozen=True)
class RemainingMessage:
    number: int
    uid: str
    size: int


@dataclass(frozen=True)
class OutcomeDeletion:
    uid: str
    size: int
    session_id: int
    #: The number the deleting session saw; None if unknown.
    number: Optional[int]
    deleted_at: str


@dataclass(frozen=True)
class Retrieval:
    session_id: int
    number: int
    uid: str


@dataclass(frozen=True)
class Outcome:
    user: str
    remaining: List[RemainingMessage]
    deleted: List[OutcomeDeletion]
    retrieved: List[Retrieval]
    #: None when none of the user's sessions was dropped (keepSessions); else `retrieved` leaves theirs out.
    dropped: Optional['DroppedSessions'] = None


@dataclass(frozen=True)
class CreatedRule:
    id: str
    explain: str


@dataclass(frozen=True)
class RuleStatus:
    #: The rule as stored: the dict you added, checked, verbs upper-case, with its "id".
    rule: Dict[str, Any]
    explain: str
    hits: int
    #: "options" (from the start options or config file) or "runtime" (added through the API).
    source: str


@dataclass(frozen=True)
class PendingRule:
    rule: Dict[str, Any]
    explain: str


@dataclass(frozen=True)
class MessageRef:
    number: int
    uid: str


@dataclass(frozen=True)
class Session:
    id: int
    user: Optional[str]
    remote_address: str
    remote_port: int
    #: "none", "implicit" or "stls".
    tls: str
    #: "AUTHORIZATION", "TRANSACTION" or "UPDATE".
    state: str
    started_at: str
    ended_at: Optional[str]
    #: How the session ended, as "quit-update"; None while it is open.
    end_reason: Optional[str]
    commands: List[str]
    retrieved: List[MessageRef]
    deleted: List[MessageRef]
    #: How the client refused TLS ({"mode", "stage", "cause", ...}); None if it did not.
    tls_refusal: Optional[Dict[str, Any]]
    #: Session events as JSON ({"type", "sessionId", "at", ...}), secrets masked unless asked with `secrets`.
    events: List[Dict[str, Any]]
    errors: List[Dict[str, Any]]
    transcript: List[str]
    #: The TLS handshake that did not complete, whoever caused it ({"mode", "cause", "refused", ...});
    #: None when none failed (a close after a completed handshake is in `tls_refusal` only).
    tls_failure: Optional[Dict[str, Any]] = None


@dataclass(frozen=True)
class DroppedSessions:
    """Ended sessions a query would select whose records were dropped to honour
    keepSessions (since the start or the last reset). Ids are never reused: a
    session begun since then that is missing, with an id up to `last_id`, was dropped."""

    sessions: int
    #: The highest session id among the dropped ones.
    last_id: int
    #: The keepSessions limit: how many ended sessions are kept.
    keep: int


@dataclass(frozen=True)
class TranscriptExport:
    """Sessions as `GET /api/sessions` exports them, with what was dropped."""

    #: "pop3-mock-transcripts".
    format: str
    version: int
    #: None when no session the query selects was dropped.
    dropped: Optional[DroppedSessions]
    sessions: List[Session]


@dataclass(frozen=True)
class ReplyCut:
    #: The octets of the reply that reached the client.
    bytes: int
    #: The octets the whole reply had.
    whole_bytes: int


@dataclass(frozen=True)
class LocatedCommand:
    session_id: int
    verb: str
    #: Secret arguments (PASS, APOP, AUTH) masked.
    args: List[str]
    raw: str
    #: The first line of the reply, once sent.
    reply: Optional[str]
    index: int
    state: str
    user: Optional[str]
    #: Milliseconds since the epoch.
    at: float
    #: When the reply was cut short (a fault, the client closing): how far it went; None for a whole reply.
    reply_cut: Optional[ReplyCut] = None
