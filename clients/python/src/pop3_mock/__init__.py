"""Start the pop3-mock server from Python tests and drive its HTTP control API.

    from pop3_mock import Pop3Mock

    with Pop3Mock(users=['alice:secret']) as pop3:
        ...  # poplib.POP3(pop3.host, pop3.port); pop3.verify('RETR 1')

See docs/PYTHON.md in the pop3-mock repository.
"""
from .cli_command import cli_arguments, resolve_command
from .control_client import ControlClient
from .errors import (
    ApiError,
    EventStreamOverflowError,
    FixtureError,
    InputError,
    NotFoundError,
    Pop3MockError,
    ServerClosedError,
    StartError,
    UserLoggedInError,
    VerificationError,
    WaitCancelledError,
    WaitTimeoutError,
)
from .event_stream import EVENT_TYPES, EventStream
from .models import (
    AddedMessage,
    CreatedRule,
    DeletedMessage,
    DroppedSessions,
    LocatedCommand,
    MessageInfo,
    MessageRef,
    Outcome,
    OutcomeDeletion,
    PendingRule,
    RemainingMessage,
    ReplyCut,
    Retrieval,
    RuleStatus,
    Session,
    Status,
    TranscriptExport,
    UserMessages,
    UserSummary,
)
from .pending_wait import PendingWait
from .ready_line import ReadyLine
from .server import Pop3Mock

__all__ = [
    'AddedMessage',
    'ApiError',
    'ControlClient',
    'CreatedRule',
    'DeletedMessage',
    'DroppedSessions',
    'EVENT_TYPES',
    'EventStream',
    'EventStreamOverflowError',
    'FixtureError',
    'InputError',
    'LocatedCommand',
    'MessageInfo',
    'MessageRef',
    'NotFoundError',
    'Outcome',
    'OutcomeDeletion',
    'PendingRule',
    'PendingWait',
    'Pop3Mock',
    'Pop3MockError',
    'ReadyLine',
    'RemainingMessage',
    'ReplyCut',
    'Retrieval',
    'RuleStatus',
    'ServerClosedError',
    'Session',
    'StartError',
    'Status',
    'TranscriptExport',
    'UserLoggedInError',
    'UserMessages',
    'UserSummary',
    'VerificationError',
    'WaitCancelledError',
    'WaitTimeoutError',
    'cli_arguments',
    'resolve_command',
]
