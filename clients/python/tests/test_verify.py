"""verify and the transcript calls."""
import re
import socket

import pytest
from pop3_client import fetch_all

from pop3_mock import NotFoundError, VerificationError

@pytest.fixture
def fetched(pop3):
    fetch_all(pop3.host, pop3.port, 'alice', 'secret')
    pop3.session_end()
    return pop3


def test_verify_returns_the_count(fetched):
    assert fetched.verify('RETR 1') == 1
    assert fetched.verify('RETR *', times=2) == 2
    assert fetched.verify(re.compile('^retr', re.IGNORECASE), at_least=1, at_most=2) == 2
    assert fetched.verify('DELE *', times=0, user='alice') == 0


def test_a_failed_verification_carries_the_report_and_near_misses(fetched):
    with pytest.raises(VerificationError) as caught:
        fetched.verify('DELE 1')
    error = caught.value
    assert (error.status, error.count) == (422, 0)
    assert error.near_misses and any('RETR 1' in miss for miss in error.near_misses)
    assert 'expected the command "DELE 1" to be received at least once' in str(error)
    assert 'C: RETR 1' in str(error), 'the report ends with the transcript'


def test_sessions_commands_and_transcript(fetched):
    [session] = fetched.sessions(user='alice')
    assert (session.user, session.end_reason, session.state) == ('alice', 'quit-update', 'UPDATE')
    assert [r.number for r in session.retrieved] == [1, 2]
    assert fetched.session(session.id).commands == session.commands
    assert fetched.commands() == ['USER alice', 'PASS ******', 'LIST', 'RETR 1', 'RETR 2', 'QUIT']
    one = fetched.session_transcript(session.id)
    assert 'C: RETR 1' in one and 'C: PASS ******' in one
    transcript = fetched.transcript(stable=True)
    assert 'C: PASS ******' in transcript and 'secret' not in transcript
    assert 'C: PASS secret' in fetched.transcript(secrets=True)


def test_transcript_notes_header_and_timestamps_are_sent(fetched):
    full = fetched.transcript()
    assert any(line.startswith('--') for line in full.splitlines())
    assert any(line.startswith('#') for line in full.splitlines())
    bare = fetched.transcript(notes=False, header=False)
    assert bare.splitlines() and not any(line.startswith(('--', '#')) for line in bare.splitlines())
    assert 'C: RETR 1' in bare
    timed = fetched.transcript(timestamps=True, header=False, notes=False)
    assert all(re.match(r'^\[\+\d+ms\] [CS]: ', line) for line in timed.splitlines() if line)


def test_sessions_and_session_waits_show_passwords_only_with_secrets(fetched):
    [session] = fetched.sessions()
    before = session.id - 1
    masked = ['USER alice', 'PASS ******']
    real = ['USER alice', 'PASS secret']
    assert session.commands[:2] == masked
    assert fetched.next_session(since=before).commands[:2] == masked
    assert fetched.sessions(secrets=True)[0].commands[:2] == real
    assert fetched.export_transcripts(user='alice', secrets=True).sessions[0].commands[:2] == real
    assert fetched.next_session(since=before, secrets=True).commands[:2] == real
    assert fetched.session_end(session.id, secrets=True).commands[:2] == real
    assert fetched.start_session_end(since=before, secrets=True).result().commands[:2] == real


def test_a_session_transcript_of_an_unknown_id_is_not_found(pop3):
    with pytest.raises(NotFoundError, match='no session 9'):
        pop3.session_transcript(9)


def test_the_cli_keeps_1000_ended_sessions_by_default(pop3):
    assert pop3.status().keep_sessions == 1000
    assert pop3.dropped_sessions() is None
    assert pop3.export_transcripts().dropped is None


@pytest.mark.parametrize('source', [r'\ARETR 1', r'^RETR 1\Z', r'^RETR \d{,3}$', r'^RETR []1]', r'^RETR [^]2]'])
def test_python_only_regex_syntax_is_refused_not_misread(fetched, source):
    # Each matches "RETR 1" in Python; as a JavaScript RegExp it would match no command, and pass times=0.
    assert re.search(source, 'RETR 1')
    with pytest.raises(ValueError, match='runs as a JavaScript RegExp'):
        fetched.verify(re.compile(source), times=0)
    with pytest.raises(ValueError, match='runs as a JavaScript RegExp'):
        fetched.start_wait_for_command(re.compile(source), include_past=True)


def test_regex_syntax_both_read_alike_is_sent(fetched):
    assert fetched.verify(re.compile(r'^RETR [\]1]$'), times=1) == 1
    assert fetched.verify(re.compile(r'^RETR \d{1,3}$'), times=2) == 2
    assert fetched.verify(re.compile(r'^RETR \\A|^RETR 1$'), times=1) == 1


def _send_commands(host, port, lines):
    """Sends each line raw (UTF-8) in one session, reading a reply to each, then QUIT."""
    with socket.create_connection((host, port), timeout=5) as sock:
        replies = sock.makefile('rb')
        replies.readline()
        for line in [*lines, 'QUIT']:
            sock.sendall(line.encode('utf-8') + b'\r\n')
            replies.readline()


# Non-ASCII words, a digit of another script, spaces JavaScript and Python disagree on (U+FEFF is
# JavaScript's \s only), as a UTF-8 client could send them.
_UNICODE_COMMANDS = ['NOOP j\u00f6rg', 'NOOP \u0663', 'NOOP a\ufeffb', 'NOOP a\u3000b', 'NOOP x_y', 'NOOP 42']


@pytest.mark.parametrize(
    'pattern',
    [
        re.compile(r'^NOOP \w+$'),
        re.compile(r'^NOOP [\w]+$'),
        re.compile(r'^NOOP \W'),
        re.compile(r'^NOOP \d$'),
        re.compile(r'^NOOP \D$'),
        re.compile(r'^NOOP a\sb$'),
        re.compile(r'^NOOP a\Sb$'),
        re.compile(r'\bj'),
        re.compile(r'\Bg'),
        re.compile(r'^NOOP \w+$', re.ASCII),
        re.compile(r'^NOOP a\sb$', re.ASCII),
        re.compile(re.escape('NOOP j\u00f6rg') + r'$'),
        re.compile(r'^noop J\u00d6RG$', re.IGNORECASE),
        re.compile(r'(?i)^noop j\u00d6rg$'),
    ],
    ids=lambda p: '%s%s' % (p.pattern, ' (ASCII)' if p.flags & re.ASCII else ''),
)
def test_a_pattern_counts_on_the_server_what_python_counts(pop3, pattern):
    # The server matches with JavaScript's RegExp, whose \w, \d and \b are ASCII and whose \s is other
    # than Python's: sent as written, these counted other commands than Python does (times=0 passed).
    _send_commands(pop3.host, pop3.port, _UNICODE_COMMANDS)
    pop3.session_end()
    expected = sum(1 for command in pop3.commands() if pattern.search(command))
    assert pop3.verify(pattern, times=expected) == expected


def test_classes_javascript_cannot_write_in_a_class_are_refused(pop3):
    for source in (r'[\W]', r'[^\S]'):
        with pytest.raises(ValueError, match='inside'):
            pop3.verify(re.compile(source), times=0)
    with pytest.raises(ValueError, match='runs as a JavaScript RegExp'):
        pop3.verify(re.compile(r'\U0001F4EC'), times=0)
