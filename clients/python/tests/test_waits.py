"""Waits: started before the client connects, answered when it acts; a wait
that runs out is a WaitTimeoutError, however short the request timeout, and
one the server's close cuts short a WaitCancelledError; both say what they saw.
A wait looks from its call, on the server's clock: a session or command that
came while its request travelled (held back on a relay) is after the call."""
import os
import poplib
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from held_link import HeldLink
from pop3_client import fetch_all

from pop3_mock import ControlClient, Pop3Mock, WaitCancelledError, WaitTimeoutError

#: Preloaded into a server's node (--require): moves its clock by SHIFT_CLOCK_MS, as on a host whose clock is off.
SHIFT_CLOCK = Path(__file__).resolve().parents[3] / 'test' / 'helpers' / 'shift-clock.cjs'

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


# The waits below are called through a HeldLink whose requests are held back: a session (or a
# command) that comes meanwhile is after the call, as it is to a Node in-process call. Without
# `arrivedSince`, next_session() took the session after it, and session_end() and
# wait_for_command() waited for one that never came.


@pytest.fixture(scope='module')
def shifted_servers():
    """Servers whose clock is off, by shift (ms): one each for the module's tests."""
    servers = {}

    def server(shift: int) -> Pop3Mock:
        if shift not in servers:
            node_options = '%s --require "%s"' % (os.environ.get('NODE_OPTIONS', ''), SHIFT_CLOCK)
            env = dict(os.environ, NODE_OPTIONS=node_options.strip(), SHIFT_CLOCK_MS=str(shift))
            servers[shift] = Pop3Mock(users=['alice:secret'], env=env)
        servers[shift].reset()
        return servers[shift]

    yield server
    for started in servers.values():
        started.close()


@pytest.fixture(
    params=[0, 3000, -3000], ids=['the same clock', 'a server clock 3 s ahead', 'a server clock 3 s behind']
)
def clock_shifted(request, shifted_servers):
    """The shared server, or one whose clock is off: the client measures the difference."""
    return request.getfixturevalue('pop3') if request.param == 0 else shifted_servers(request.param)


def _server(request) -> Pop3Mock:
    """The test's server: `clock_shifted`, or else the shared one."""
    return request.getfixturevalue('clock_shifted' if 'clock_shifted' in request.fixturenames else 'pop3')


@pytest.fixture
def link(request):
    """A HeldLink to the control API of the test's server."""
    with HeldLink(urllib.parse.urlsplit(_server(request).ready.control_url).port) as held:
        yield held


@pytest.fixture
def remote(request, link) -> ControlClient:
    """A client of the test's server through `link`."""
    return ControlClient(link.url, _server(request).ready.control_token)


def measured(client: ControlClient) -> float:
    """Measures the server's clock for `client` (status()'s `now`); returns that round trip (s), at
    least twice what the measure may be off by."""
    asked = time.monotonic()
    client.status()
    return time.monotonic() - asked


def held_call(link: HeldLink, round_trip: float, start, then) -> object:
    """Calls `start` (a start_ method) on a thread while the link holds its requests back, then
    `then()` (a session or a command after the call), then releases the link: returns `start`'s PendingWait."""
    link.hold()
    with ThreadPoolExecutor(1) as pool:
        starting = pool.submit(start)
        try:
            link.wait_for_held()  # the call was made: its request waits on the link
            # Past what the client's reading of the server's clock may be off by (half a round trip).
            time.sleep(round_trip)
            then()
        finally:
            link.release()
        return starting.result(timeout=10)  # once the server has the wait


def local_port(client: poplib.POP3) -> int:
    return client.sock.getsockname()[1]


def test_next_session_takes_a_session_begun_while_the_request_travelled(clock_shifted, link, remote):
    server = clock_shifted
    before = poplib.POP3(server.host, server.port, timeout=10)
    round_trip = measured(remote)
    during = []
    pending = held_call(
        link,
        round_trip,
        lambda: remote.start_next_session(timeout_ms=5000),
        lambda: during.append(poplib.POP3(server.host, server.port, timeout=10)),
    )
    after = poplib.POP3(server.host, server.port, timeout=10)
    try:
        # Not the session begun before the call (the server's clock read as this one's, 3 s ahead),
        # nor the one after (the request's arrival, or the server's clock read as this one's, 3 s behind).
        assert pending.result().remote_port == local_port(during[0])
    finally:
        for client in [before, after] + during:
            client.close()


def test_session_end_waits_for_the_latest_session_at_the_call_not_one_begun_after(pop3, link, remote):
    latest = poplib.POP3(pop3.host, pop3.port, timeout=10)
    latest_port = local_port(latest)
    round_trip = measured(remote)
    later = []
    pending = held_call(
        link,
        round_trip,
        lambda: remote.start_session_end(timeout_ms=2000),
        lambda: later.append(poplib.POP3(pop3.host, pop3.port, timeout=10)),
    )
    try:
        latest.quit()
        ended = pending.result()
        assert (ended.remote_port, ended.end_reason) == (latest_port, 'quit-authorization')
    finally:
        for client in [latest] + later:
            client.close()


def test_wait_for_command_takes_a_command_sent_while_the_request_travelled(pop3, link, remote):
    client = poplib.POP3(pop3.host, pop3.port, timeout=10)
    try:
        client.user('alice')
        client.pass_('secret')
        round_trip = measured(remote)
        pending = held_call(
            link, round_trip, lambda: remote.start_wait_for_command('NOOP', timeout_ms=2000), client.noop
        )
        command = pending.result()
        # As on arrival, as a Node in-process wait gives it: answered meanwhile, but no reply here.
        assert (command.raw, command.reply, command.user) == ('NOOP', None, 'alice')
        client.quit()
    finally:
        client.close()
