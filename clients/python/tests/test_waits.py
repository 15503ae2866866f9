"""Waits: started before the client connects, answered when it acts; a wait
that runs out is a WaitTimeoutError, however short the request timeout, and
one the server's close cuts short a WaitCancelledError; both say what they saw."""
import poplib
import time

import pytest
from pop3_client import fetch_all

from pop3_mock import ControlClient, Pop3Mock, WaitCancelledError, WaitTimeoutError

def test_waits_started_before_the_client_connects(pop3):
    next_session = pop3.start_next_session(timeout_ms=5000)
    first_retr = pop3.start_wait_for_command('RETR *', timeout_ms=5000)
    fetch_all(pop3.host, pop3.port, 'alice', 'secret')
    session = next_session.result()
    command = first_retr.result()
    assert (command.session_id, command.raw, command.user) == (session.id, 'RETR 1', 'alice')
    ended = pop3.session_end(session.id, timeout_ms=5000)
    assert ended.end_reason == 'quit-update'


def test_since_finds_a_session_that_began_before_the_wait(pop3):
    fetch_all(pop3.host, pop3.port, 'alice', 'secret')
    [session] = pop3.sessions()
    assert pop3.next_session(since=session.id - 1, timeout_ms=2000).id == session.id
    assert pop3.session_end(since=session.id - 1, timeout_ms=2000).end_reason == 'quit-update'
    with pytest.raises(WaitTimeoutError):
        pop3.next_session(since=session.id, timeout_ms=100)


def test_a_past_command_counts_only_with_include_past(pop3):
    fetch_all(pop3.host, pop3.port, 'alice', 'secret')
    assert pop3.wait_for_command('LIST', include_past=True).verb == 'LIST'
    with pytest.raises(WaitTimeoutError) as caught:
        pop3.wait_for_command('LIST', timeout_ms=100)
    assert caught.value.status == 408
    assert 'received before the wait began' in str(caught.value)


def test_the_read_timeout_follows_the_wait_not_the_client(pop3):
    # A client whose calls give up after 0.2 s still waits out a 0.4 s wait and gets the server's 408.
    impatient = ControlClient(pop3.ready.control_url, pop3.ready.control_token, request_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match='a new session'):
        impatient.next_session(timeout_ms=400)
    assert time.monotonic() - started >= 0.4


def test_a_wait_that_runs_out_is_not_cancelled_and_saw_nothing(pop3):
    with pytest.raises(WaitTimeoutError) as caught:
        pop3.next_session(timeout_ms=100)
    assert not isinstance(caught.value, WaitCancelledError)
    assert caught.value.seen == []
    assert 'saw meanwhile:\n  nothing' in str(caught.value)


def test_a_wait_the_server_closes_is_cancelled_and_says_what_it_saw():
    # A server of its own: closing the shared one would end the run's other tests.
    server = Pop3Mock(users=['alice:secret'])
    client = poplib.POP3(server.host, server.port, timeout=10)
    try:
        client.user('alice')
        client.pass_('secret')
        pending = server.start_wait_for_command('DELE *', timeout_ms=60000)
        client.noop()
        assert server.close() == 0
        with pytest.raises(WaitCancelledError) as caught:
            pending.result()
    finally:
        client.close()
        server.close()
    assert isinstance(caught.value, WaitTimeoutError) and caught.value.status == 408
    assert 'the server was closed while waiting' in str(caught.value)
    # The lines after the NOOP's (the session's end) follow the server's close.
    assert caught.value.seen[:2] == ['#1 C: NOOP', '#1 S: +OK']


def test_a_wait_goes_on_across_a_reset(pop3):
    pending = pop3.start_next_session(timeout_ms=5000)
    pop3.reset()
    fetch_all(pop3.host, pop3.port, 'alice', 'secret')
    assert pending.result().id == pop3.sessions()[0].id
