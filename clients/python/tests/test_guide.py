"""The examples of docs/PYTHON.md, as they are printed there (a jest test
checks that every Python block of the guide's helper part is in this folder)."""
import poplib

import pytest

from pop3_mock import DroppedSessions, VerificationError, WaitTimeoutError


def fetch_subjects(host, port, user, password):
    """The code under test: a fetcher on the standard poplib."""
    client = poplib.POP3(host, port, timeout=10)
    try:
        client.user(user)
        client.pass_(password)
        subjects = []
        for number in range(1, len(client.list()[1]) + 1):
            lines = client.retr(number)[1]
            subjects += [line[9:].decode() for line in lines if line.startswith(b'Subject: ')]
        return subjects
    finally:
        client.quit()


@pytest.mark.pop3_mock(users=['alice:secret'])
def test_fetches_every_message(pop3_mock):
    pop3_mock.deliver('alice', [b'Subject: first\r\n\r\nhello\r\n', b'Subject: second\r\n\r\nbye\r\n'])

    assert fetch_subjects(pop3_mock.host, pop3_mock.port, 'alice', 'secret') == ['first', 'second']
    assert pop3_mock.verify('RETR *', times=2) == 2


@pytest.mark.pop3_mock(users=['alice:secret'])
def test_a_temporary_error_on_retr(pop3_mock):
    pop3_mock.deliver('alice', b'Subject: first\r\n\r\nhello\r\n')
    pop3_mock.add_fault({
        'trigger': {'point': 'command', 'verbs': ['RETR']},
        'times': 1,
        'action': {'type': 'reply', 'lines': ['-ERR [SYS/TEMP] try later']},
    })

    with pytest.raises(poplib.error_proto, match='SYS/TEMP'):
        fetch_subjects(pop3_mock.host, pop3_mock.port, 'alice', 'secret')
    assert pop3_mock.faults()[0].hits == 1


@pytest.mark.pop3_mock(users=['alice:secret'])
def test_a_failed_verification_shows_the_session(pop3_mock):
    fetch_subjects(pop3_mock.host, pop3_mock.port, 'alice', 'secret')

    with pytest.raises(VerificationError) as failure:
        pop3_mock.verify('DELE 1')
    assert 'Closest commands received' in str(failure.value)   # the report, with the transcript
    assert failure.value.near_misses                             # the closest commands, one a line


@pytest.mark.pop3_mock(users=['alice:secret'])
def test_waits(pop3_mock):
    connected = pop3_mock.start_next_session(timeout_ms=5000)   # sent now, answered later
    fetch_subjects(pop3_mock.host, pop3_mock.port, 'alice', 'secret')
    session = connected.result()
    assert pop3_mock.session_end(session.id).end_reason == 'quit-update'

    with pytest.raises(WaitTimeoutError):
        pop3_mock.wait_for_command('DELE *', timeout_ms=200)


@pytest.mark.pop3_mock(users=['alice:secret'], args=['--keep-sessions', '1'])
def test_what_keep_sessions_dropped(pop3_mock):
    for _ in range(2):
        fetch_subjects(pop3_mock.host, pop3_mock.port, 'alice', 'secret')
        pop3_mock.session_end()   # the latest session, once it has ended

    assert pop3_mock.status().keep_sessions == 1
    assert pop3_mock.dropped_sessions() == DroppedSessions(sessions=1, last_id=1, keep=1)
    assert pop3_mock.export_transcripts().dropped == pop3_mock.dropped_sessions()
    assert pop3_mock.verify('LIST', at_least=1) == 1     # the kept session proves it
    with pytest.raises(VerificationError, match='cannot tell whether'):
        pop3_mock.verify('DELE *', times=0)             # the dropped session may have sent one


@pytest.mark.pop3_mock(users=['alice:secret'])
def test_events_as_they_happen(pop3_mock):
    pop3_mock.deliver('alice', b'Subject: first\r\n\r\nhello\r\n')
    with pop3_mock.events() as events:                          # listening when it returns
        fetch_subjects(pop3_mock.host, pop3_mock.port, 'alice', 'secret')
        session = events.until('session-end')                   # session-start ... session-end

    commands = [e['raw'] for e in session if e['type'] == 'command']
    assert commands == ['USER alice', 'PASS ******', 'LIST', 'RETR 1', 'QUIT']
    assert session[-1]['reason'] == 'quit-update'
