"""keepSessions: a CLI started with --keep-sessions 2 keeps the newest two
ended sessions; dropped_sessions(), the export, the transcript and status
say what was dropped, and verify refuses a verdict a dropped session could
overturn."""
import poplib

import pytest

from pop3_mock import DroppedSessions, InputError, NotFoundError, Pop3Mock, VerificationError

PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw'}
KEEP = 2


@pytest.fixture(scope='module')
def server():
    users = [(name, password) for name, password in PASSWORDS.items()]
    with Pop3Mock(users=users, args=['--keep-sessions', str(KEEP)]) as started:
        yield started


@pytest.fixture
def pop3(server):
    server.reset()
    for user in PASSWORDS:
        server.deliver(user, b'Subject: one\r\n\r\nbody\r\n')
    return server


def session(pop3, user, *commands):
    """One whole session of `user`: login, the commands, QUIT; returns once its record has ended."""
    client = poplib.POP3(pop3.host, pop3.port, timeout=10)
    client.user(user)
    client.pass_(PASSWORDS[user])
    calls = {'STAT': client.stat, 'NOOP': client.noop, 'RETR 1': lambda: client.retr(1)}
    for command in commands:
        calls[command]()
    client.quit()
    return pop3.session_end().id


def test_dropped_sessions_counts_the_ended_sessions_over_the_limit(pop3):
    first = session(pop3, 'bob', 'STAT')
    kept = [session(pop3, 'alice', 'STAT'), session(pop3, 'alice', 'NOOP')]
    marker = DroppedSessions(sessions=1, last_id=first, keep=KEEP)

    assert pop3.status().keep_sessions == KEEP
    assert [s.id for s in pop3.sessions()] == kept
    assert pop3.dropped_sessions() == marker
    assert pop3.dropped_sessions(user='bob') == marker
    assert pop3.dropped_sessions(session_id=first) == marker
    assert pop3.dropped_sessions(user='alice') is None
    assert pop3.dropped_sessions(session_id=kept[0]) is None

    session(pop3, 'alice', 'STAT')
    assert pop3.dropped_sessions() == DroppedSessions(sessions=2, last_id=kept[0], keep=KEEP)


def test_the_export_transcript_and_lookups_say_what_was_dropped(pop3):
    first = session(pop3, 'bob', 'STAT')
    kept = [session(pop3, 'alice', 'STAT'), session(pop3, 'alice', 'NOOP')]

    exported = pop3.export_transcripts()
    assert (exported.format, exported.version) == ('pop3-mock-transcripts', 1)
    assert exported.dropped == pop3.dropped_sessions()
    assert exported.dropped.last_id == first
    assert [s.id for s in exported.sessions] == kept
    by_id = pop3.export_transcripts(session_id=first)
    assert (by_id.dropped, by_id.sessions) == (exported.dropped, [])
    assert pop3.export_transcripts(user='alice').dropped is None

    assert pop3.transcript().startswith('-- 1 ended session was dropped')
    assert pop3.transcript(user='alice').startswith('# session %d (alice)' % kept[0])
    with pytest.raises(NotFoundError, match='it ended and its record was dropped'):
        pop3.session(first)
    with pytest.raises(NotFoundError, match='it ended and its record was dropped'):
        pop3.session_transcript(first)

    pop3.reset()
    assert pop3.dropped_sessions() is None
    assert pop3.export_transcripts().dropped is None
    assert pop3.transcript() == ''


def test_verify_refuses_a_verdict_a_dropped_session_could_overturn(pop3):
    session(pop3, 'bob', 'RETR 1')  # dropped below: its RETR 1 is not counted
    session(pop3, 'alice', 'STAT')
    session(pop3, 'alice', 'STAT')
    assert pop3.dropped_sessions(user='bob') is not None

    with pytest.raises(VerificationError) as caught:
        pop3.verify('RETR 1', times=0)
    assert str(caught.value).startswith(
        'pop3-mock: cannot tell whether the command "RETR 1" was received exactly 0 times'
    )
    assert 'commands of dropped sessions are not counted' in str(caught.value)
    assert (caught.value.status, caught.value.count, caught.value.near_misses) == (422, 0, [])
    with pytest.raises(VerificationError, match='^pop3-mock: cannot tell whether the command "STAT"'):
        pop3.verify('STAT', at_most=2)


def test_verify_gives_what_the_kept_sessions_prove(pop3):
    session(pop3, 'bob', 'RETR 1')
    session(pop3, 'alice', 'STAT')
    session(pop3, 'alice', 'STAT')

    assert pop3.verify('STAT', at_least=2) == 2
    assert pop3.verify('RETR 1', user='alice', times=0) == 0
    with pytest.raises(VerificationError, match='^pop3-mock: expected the command "STAT" to be received at most'):
        pop3.verify('STAT', at_most=1)
    with pytest.raises(VerificationError) as missed:
        pop3.verify('RETR 1')
    assert '\nNot looked at: 1 ended session was dropped' in str(missed.value)


def test_a_bad_filter_is_refused_with_its_path(pop3):
    with pytest.raises(InputError) as caught:
        pop3.dropped_sessions(session_id=0)
    assert (caught.value.status, caught.value.path) == (400, 'query.sessionId')


def test_outcome_says_when_the_users_sessions_were_dropped(pop3):
    first = session(pop3, 'bob', 'RETR 1')  # dropped below: its retrieval leaves the outcome
    session(pop3, 'alice', 'STAT')
    session(pop3, 'alice', 'STAT')

    bob = pop3.outcome('bob')
    assert bob.retrieved == []
    assert bob.dropped == DroppedSessions(sessions=1, last_id=first, keep=KEEP)
    assert pop3.outcome('alice').dropped is None
